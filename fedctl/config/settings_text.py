"""The `settings` block `fedctl init` and `fedctl export` write, so the files say prune.

Prune is the default (issue 30): written out, a reader of the files sees that they are
the whole truth and where another team's resources go.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

PRUNE_SETTINGS_BLOCK = (
    "# The files are the whole truth: `fedctl apply` archives every live service account,\n"
    "# issuer and rule no file declares. List another team's resources under `unmanaged`\n"
    "# (kind/name globs or IDs), or set prune: false to leave undeclared ones alone.\n"
    "settings:\n"
    "  prune: true\n"
    "  unmanaged: []\n"
)


def settings_block(protect: Sequence[str] = ()) -> str:
    """The prune settings, with `protect` entries (from Terraform's deletion_protection)."""
    if not protect:
        return PRUNE_SETTINGS_BLOCK
    # Every name YAML-quoted as the dumper needs: a name is hostile input like any other.
    listed = yaml.safe_dump(
        {"protect": list(protect)}, default_flow_style=False, allow_unicode=False, sort_keys=False
    )
    return (
        PRUNE_SETTINGS_BLOCK
        + "  # Protected in Terraform (deletion_protection = true): never archived.\n"
        + "".join(f"  {line}\n" for line in listed.splitlines())
    )

"""The `settings` block `fedctl init` and `fedctl export` write, so the files say prune.

Prune is the default (issue 30): written out, a reader of the files sees that they are
the whole truth and where another team's resources go.
"""

from __future__ import annotations

PRUNE_SETTINGS_BLOCK = (
    "# The files are the whole truth: `fedctl apply` archives every live service account,\n"
    "# issuer and rule no file declares. List another team's resources under `unmanaged`\n"
    "# (kind/name globs or IDs), or set prune: false to leave undeclared ones alone.\n"
    "settings:\n"
    "  prune: true\n"
    "  unmanaged: []\n"
)

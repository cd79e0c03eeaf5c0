"""Write an Anthropic WIF profile for a GitHub Actions job (used by action.yml).

Fetches the job's OIDC token for the given audience into a file only the runner user can
read, then writes `configs/ci.json` in a fresh ANTHROPIC_CONFIG_DIR and exports
ANTHROPIC_CONFIG_DIR and ANTHROPIC_PROFILE through $GITHUB_ENV. The minted Anthropic
token is then cached in that profile's credentials file by fedctl, so `plan` and `apply`
in one job exchange the single-use GitHub token only once. Nothing secret is printed.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request
from pathlib import Path


def main() -> int:
    request_url = os.environ.get("ACTIONS_ID_TOKEN_REQUEST_URL")
    request_token = os.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
    if not request_url or not request_token:
        print("error: no GitHub OIDC token available; grant the job `id-token: write`.")
        return 1
    for name in ("RULE_ID", "SERVICE_ACCOUNT_ID", "ORGANIZATION_ID"):
        if not os.environ.get(name):
            print(f"error: input for {name.lower().replace('_', '-')} is empty.")
            return 1
    audience = urllib.parse.quote(os.environ["AUDIENCE"], safe="")
    request = urllib.request.Request(
        f"{request_url}&audience={audience}",
        headers={"Authorization": f"bearer {request_token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        identity_token = json.load(response)["value"]

    config_dir = Path(os.environ["RUNNER_TEMP"]) / "anthropic"
    (config_dir / "configs").mkdir(parents=True, exist_ok=True)
    token_file = config_dir / "github-oidc-token"
    token_file.touch(mode=0o600)
    token_file.write_text(identity_token)
    profile = {
        "version": "1.0",
        "authentication": {
            "type": "oidc_federation",
            "federation_rule_id": os.environ["RULE_ID"],
            "service_account_id": os.environ["SERVICE_ACCOUNT_ID"],
            "identity_token": {"source": "file", "path": str(token_file)},
        },
        "organization_id": os.environ["ORGANIZATION_ID"],
    }
    profile_file = config_dir / "configs" / "ci.json"
    profile_file.write_text(json.dumps(profile, indent=2))
    profile_file.chmod(0o644)
    with Path(os.environ["GITHUB_ENV"]).open("a") as env_file:
        env_file.write(f"ANTHROPIC_CONFIG_DIR={config_dir}\nANTHROPIC_PROFILE=ci\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

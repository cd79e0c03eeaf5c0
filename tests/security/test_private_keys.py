"""A live issuer whose inline key holds private members: no output or file ever carries them.

The attacker (or a careless Console user) stores a private JWK on a live issuer. Export,
snapshots (uploaded as CI artifacts) and plans must never write `d`/`p`/`q`...; they say
which `kid` held private members instead, snapshots are written 0600, and `plan` warns.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import pytest

from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run

SECRET = "SECRETprivateSCALARvalue0123456789abcdefghijk"
PUBLIC_KEY = {
    "kty": "EC",
    "crv": "P-256",
    "x": "DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4",
    "y": "ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0",
    "kid": "build-signer",
}
CONFIG = """\
version: 1
issuers:
  - name: build
    issuer_url: https://build.acme.example
    jwks:
      type: inline
      keys:
        - kty: EC
          crv: P-256
          x: DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4
          y: ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0
          kid: build-signer
"""
NOTE = (
    "issuer/build: the live inline JWKS key build-signer holds private key members (d); "
    "fedctl never shows or writes them; treat the key as leaked and rotate it"
)


@pytest.fixture
def leaky_issuer(emulator: RunningEmulator) -> None:
    response = httpx.post(
        emulator.base_url + "/v1/organizations/federation_issuers",
        headers={"authorization": f"Bearer {emulator.admin_token}"},
        json={
            "name": "build",
            "issuer_url": "https://build.acme.example",
            "jwks": {"type": "inline", "keys": [{**PUBLIC_KEY, "d": SECRET}]},
        },
    )
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("leaky_issuer")
def test_export_never_writes_the_private_member_and_names_the_kid(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    printed = run(emulator, "export")
    assert printed.exit_code == 0, printed.output
    assert SECRET not in printed.output
    assert f"# {NOTE}" in [line.strip() for line in printed.stdout.splitlines()]
    out_dir = tmp_path / "exported"
    written = run(emulator, "export", "--out", str(out_dir))
    assert written.exit_code == 0, written.output
    files = "".join(path.read_text() for path in sorted(out_dir.rglob("*")) if path.is_file())
    assert SECRET not in files
    assert NOTE in files


@pytest.mark.usefixtures("leaky_issuer")
def test_a_snapshot_never_holds_the_private_member_and_is_private_to_its_owner(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    target = tmp_path / "snapshot.json"
    target.write_text("old")
    target.chmod(0o644)
    result = run(emulator, "snapshot", "--out", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert SECRET not in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    keys = json.loads(text)["state"]["issuers"]["build"]["spec"]["jwks"]["keys"]
    assert "d" not in keys[0]
    assert keys[0]["kid"] == "build-signer"


@pytest.mark.usefixtures("leaky_issuer")
def test_plan_warns_about_the_live_private_key_without_showing_it(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    (tmp_path / "fedctl.yaml").write_text(CONFIG)
    result = run(emulator, "plan", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    plan = json.loads(result.stdout)
    assert NOTE in plan["warnings"]
    # The plan replaces the leaked key set with the declared public one.
    assert [change["name"] for change in plan["changes"]] == ["build"]

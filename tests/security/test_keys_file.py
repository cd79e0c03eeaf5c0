"""`jwks.keys_file` is confined like `ca_cert_file`, and only public members are sent.

A pull request must not make fedctl read (and send to the API) another file of the
machine through an absolute path, `..` or a symlink; and a member the plan does not show
(`"note": "ghs_..."`) must not travel to the API, a snapshot or an export.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from fedctl.cli.main import cli
from fedctl.emulator.server import RunningEmulator
from tests.security.helpers import run, writes

LEAK = "ghs_0123456789abcdefghijklmnopqrstuvwxyzAB"
KEY = {
    "kty": "EC",
    "crv": "P-256",
    "x": "DFn5MzzFk2xkCHmXJyp04H3mprRKVagPp7n5L49_lG4",
    "y": "ufJ4xcj-TbzQ4IoHjDIVzJ_wAcAKU5erQb-kYqEUmn0",
    "kid": "build-signer",
    "alg": "ES256",
}
CONFIG = """\
version: 1
issuers:
  - name: build
    issuer_url: https://build.acme.example
    jwks: {{type: inline, keys_file: {path}}}
"""


def _config(folder: Path, path: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "fedctl.yaml").write_text(CONFIG.format(path=json.dumps(path)))
    return folder


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "symlink"])
def test_a_keys_file_outside_the_configuration_folder_is_not_read(
    how: str, emulator: RunningEmulator, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"keys": [KEY]}))
    written = {"absolute": str(outside), "dot-dot": "../outside.json", "symlink": "keys.json"}
    folder = _config(tmp_path / "conf", written[how])
    if how == "symlink":
        os.symlink(outside, folder / "keys.json")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert (
        f"issuers[0].jwks.keys_file: {json.dumps(written[how])} is outside the configuration "
        "folder; keep the keys file next to the configuration"
    ) in result.stdout
    applied = run(emulator, "apply", str(folder), "--auto-approve")
    assert applied.exit_code == 1
    assert writes(emulator) == []


def test_only_the_public_members_of_a_key_are_sent(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    folder = _config(tmp_path / "conf", "keys.json")
    (folder / "keys.json").write_text(json.dumps({"keys": [{**KEY, "note": LEAK}]}))
    planned = run(emulator, "plan", str(folder), "--format", "json")
    assert planned.exit_code == 0, planned.output
    assert LEAK not in planned.output
    applied = run(emulator, "apply", str(folder), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    snapshot = tmp_path / "snapshot.json"
    assert run(emulator, "snapshot", "--out", str(snapshot)).exit_code == 0
    keys = json.loads(snapshot.read_text())["state"]["issuers"]["build"]["spec"]["jwks"]["keys"]
    assert keys == [KEY]


def test_inline_keys_drop_members_of_other_key_types_too(tmp_path: Path) -> None:
    from fedctl.config.jwks import Jwk

    rsa = {"kty": "RSA", "kid": "r", "n": "AQAB", "e": "AQAB", "crv": "P-256", "x": "x"}
    assert Jwk.model_validate(rsa).model_dump() == {
        "kty": "RSA",
        "kid": "r",
        "n": "AQAB",
        "e": "AQAB",
    }

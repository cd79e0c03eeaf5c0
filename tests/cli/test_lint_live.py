"""`fedctl lint --live`: checks that need the live organization, against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fedctl.emulator.server import RunningEmulator, running_emulator
from fedctl.emulator.unsafe import (
    unsafe_drop_enablements,
    unsafe_patch_resource,
)
from tests.support.cli import k8s_org, k8s_rule, run_api

SECRET_D = "c2VjcmV0LXByaXZhdGUtZXhwb25lbnQtbmV2ZXItcHJpbnRlZA"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[RunningEmulator]:
    with running_emulator(workspaces=("production",)) as running:
        (tmp_path / "fedctl.yaml").write_text(k8s_org(k8s_rule("deploy", "deploy")))
        assert run_api(running, "apply", str(tmp_path), "--auto-approve").exit_code == 0
        yield running


def test_live_checks_find_legacy_bindings_and_private_keys(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    store = emulator.store
    [rule] = store.list_rules(include_archived=False, limit=20, page=None, issuer_id=None)["data"]
    [issuer] = store.list_issuers(include_archived=False, limit=20, page=None)["data"]
    production = rule["workspace_ids"][0]
    unsafe_patch_resource(store, "federation_rule", rule["id"], {"workspace_id": production})
    unsafe_drop_enablements(store, rule["id"])
    private = {"kid": "k1", "kty": "RSA", "n": "AQAB", "e": "AQAB", "d": SECRET_D}
    unsafe_patch_resource(
        store, "federation_issuer", issuer["id"], {"jwks": {"type": "inline", "keys": [private]}}
    )
    result = run_api(emulator, "lint", str(tmp_path), "--live")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "FED03" in line]
    assert lines == [
        f"FED032 warning: rule/deploy: {rule['id']} is bound to {production} only through the "
        "legacy workspace_id; the exchange never checks its service account's membership",
        f"FED033 error: issuer/k8s: {issuer['id']}: inline key 'k1' carries private members d",
    ]
    assert SECRET_D not in result.output


def test_without_live_no_request_is_made(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.reset_request_log()
    run_api(emulator, "lint", str(tmp_path))
    assert emulator.requests() == []

"""Fixtures shared by the CLI tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from fedctl.emulator.server import running_emulator
from tests.support.federation import ISSUER_URL, Federation, bootstrap_seed
from tests.support.idtokens import make_signing_key


@pytest.fixture
def federation(tmp_path: Path) -> Iterator[Federation]:
    """An emulator seeded, as the Console would, with an org:admin rule on an admin account."""
    key = make_signing_key()
    seed_path = tmp_path / "seed.yaml"
    seed_path.write_text(yaml.safe_dump(bootstrap_seed(ISSUER_URL, key.public_jwk())))
    with running_emulator(seed_path=str(seed_path), workspaces=("production",)) as emulator:
        headers = {
            "authorization": f"Bearer {emulator.admin_token}",
            "anthropic-version": "2023-06-01",
        }
        url = f"{emulator.base_url}/v1/organizations/federation_rules"
        rule = httpx.get(url, headers=headers).json()["data"][0]
        yield Federation(emulator, rule["id"], rule["target"]["service_account_id"], key)

"""Issuer presets: filled fields, URL shapes, and agreement with the config models."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from fedctl.config import load_config
from fedctl.config.models import PresetName
from fedctl.core.errors import ValidationFailed
from fedctl.core.presets import PRESETS, detect_preset
from fedctl.desired import issuer_spec

TENANT = "5f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"


def _load(tmp_path: Path, issuer: str) -> object:
    file = tmp_path / "fedctl.yaml"
    file.write_text("issuers:\n" + issuer, encoding="utf-8")
    return load_config(file)


def test_preset_names_match_the_config_literal() -> None:
    assert set(typing.get_args(PresetName)) == set(PRESETS)


def test_fixed_url_preset_fills_issuer_url_and_desired_state_ignores_preset(
    tmp_path: Path,
) -> None:
    config = _load(tmp_path, "  - name: gha\n    preset: github-actions\n")
    issuer = config.issuers[0]  # type: ignore[attr-defined]
    assert issuer.issuer_url == "https://token.actions.githubusercontent.com"
    spec = issuer_spec(issuer)
    assert spec.issuer_url == "https://token.actions.githubusercontent.com"
    assert "preset" not in spec.model_dump()


def test_entra_preset_fills_the_managed_identity_lifetime(tmp_path: Path) -> None:
    url = f"https://login.microsoftonline.com/{TENANT}/v2.0"
    config = _load(tmp_path, f"  - name: az\n    preset: entra-v2\n    issuer_url: {url}\n")
    assert config.issuers[0].max_jwt_lifetime_seconds == 86400  # type: ignore[attr-defined]


def test_explicit_values_win_over_the_preset(tmp_path: Path) -> None:
    url = f"https://login.microsoftonline.com/{TENANT}/v2.0"
    issuer = f"  - name: az\n    preset: entra-v2\n    issuer_url: {url}\n"
    config = _load(tmp_path, issuer + "    max_jwt_lifetime_seconds: 7500\n")
    assert config.issuers[0].max_jwt_lifetime_seconds == 7500  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        (
            "  - name: aws\n    preset: aws-sts\n",
            'fedctl.yaml:3:13: issuer/aws: issuers[0].preset: preset "aws-sts" needs issuer_url '
            "(it is per tenant), e.g. https://<uuid>.tokens.sts.global.api.aws (from "
            "GetOutboundWebIdentityFederationInfo)",
        ),
        (
            f"  - name: az\n    preset: entra-v1\n"
            f"    issuer_url: https://sts.windows.net/{TENANT}\n",
            f"fedctl.yaml:4:17: issuer/az: issuers[0].issuer_url: "
            f"'https://sts.windows.net/{TENANT}' is "
            "not a Microsoft Entra ID (v1.0 tokens) issuer URL; expected "
            "https://sts.windows.net/<tenant-id>/ (with the trailing slash) (it must equal the "
            "tokens' iss claim byte for byte)",
        ),
        (
            "  - name: okta\n    preset: okta\n    issuer_url: https://acme.okta.com\n",
            "fedctl.yaml:4:17: issuer/okta: issuers[0].issuer_url: 'https://acme.okta.com' is "
            "not a Okta "
            "custom authorization server issuer URL; expected https://<domain>/oauth2/"
            "<authServerId> (the org authorization server, without /oauth2/<id>, does not "
            "publish its keys) (it must equal the tokens' iss claim byte for byte)",
        ),
    ],
)
def test_preset_url_shape_errors(tmp_path: Path, issuer: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _load(tmp_path, issuer)
    rendered = [d.render() for d in caught.value.diagnostics]
    assert rendered == [f"{tmp_path}/{message}"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://token.actions.githubusercontent.com", "github-actions"),
        ("https://gitlab.com", "gitlab"),
        ("https://accounts.google.com", "google"),
        (f"https://sts.windows.net/{TENANT}/", "entra-v1"),
        ("https://acme.okta.com/oauth2/default", "okta"),
        ("https://kubernetes.default.svc.cluster.local", "kubernetes"),
        ("https://gitlab.acme.example", None),
    ],
)
def test_detect_preset(url: str, name: str | None) -> None:
    detected = detect_preset(url)
    assert (detected.name if detected else None) == name

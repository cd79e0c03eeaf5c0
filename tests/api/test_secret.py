"""fedctl's SecretStr hides its value as pydantic's does, and compares by value."""

from __future__ import annotations

import pydantic

from fedctl.api.secret import SecretStr


def test_the_value_never_shows() -> None:
    token = SecretStr("sk-ant-oat01-secret")
    assert "secret" not in repr(token) and "secret" not in str(token) and "secret" not in f"{token}"
    assert repr(token) == repr(pydantic.SecretStr("sk-ant-oat01-secret"))
    assert str(token) == str(pydantic.SecretStr("sk-ant-oat01-secret"))
    assert repr(SecretStr("")) == repr(pydantic.SecretStr(""))
    assert token.get_secret_value() == "sk-ant-oat01-secret"


def test_secrets_compare_and_hash_by_value() -> None:
    assert SecretStr("a") == SecretStr("a") and SecretStr("a") != SecretStr("b")
    assert SecretStr("a") == pydantic.SecretStr("a")
    assert SecretStr("a") != "a"  # a plain string is not a secret
    assert len({SecretStr("a"), SecretStr("a")}) == 1

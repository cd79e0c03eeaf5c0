"""SecretStr: a string that does not show itself, for tokens and keys.

What pydantic's SecretStr does for fedctl (hide the value from repr, str and logs; compare
by value), without importing pydantic: the credential chain runs before a plan's first
Admin API request, and pydantic's import cost ~60 ms of CPU there.

    token = SecretStr("sk-ant-oat01-...")
    repr(token)                # "SecretStr('**********')"
    token.get_secret_value()   # only where the value is sent
"""

from __future__ import annotations

_MASK = "**********"


class SecretStr:
    """A secret string: shown as asterisks, read only through `get_secret_value()`."""

    __slots__ = ("_secret_value",)

    def __init__(self, secret_value: str) -> None:
        self._secret_value = secret_value

    def get_secret_value(self) -> str:
        return self._secret_value

    def __repr__(self) -> str:
        return f"SecretStr('{_MASK}')" if self._secret_value else "SecretStr('')"

    def __str__(self) -> str:
        return _MASK if self._secret_value else ""

    def __eq__(self, other: object) -> bool:
        # Any secret with the same value (pydantic's too, which tests build).
        reveal = getattr(other, "get_secret_value", None)
        return callable(reveal) and reveal() == self._secret_value

    def __hash__(self) -> int:
        return hash(self._secret_value)

    def __len__(self) -> int:
        return len(self._secret_value)

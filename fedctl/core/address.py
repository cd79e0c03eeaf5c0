"""`Address(kind, name)`: which resource, as a value rather than `kind/name` text.

Plans, errors, drift and access records name resources by address. Built as a value, an
address is read through `.kind` and `.name` and never split back apart; its text is
today's `rule/deploy-main`, so saved plans, snapshots and JSON documents keep their exact
format. Text from outside (a saved plan, `--target`, a snapshot) goes through
`Address.parse`, which refuses anything that is not `KIND/NAME` with a message for people.

An Address is a `str` whose text is `kind/name`: it is immutable, hashable and sorts as
that text sorts (which is by kind, then name, since no kind's text is a prefix of
another's), and it equals the same text. That last part is on purpose: every boundary
that writes or compares the text (JSON, saved plans, messages) keeps working unchanged
while the code inside carries values.

Usage:
    address = Address(Kind.RULE, "deploy-main")
    str(address), address.kind, address.name   # 'rule/deploy-main', Kind.RULE, 'deploy-main'
    Address.parse("rule/deploy-main") == address
"""

from __future__ import annotations

from typing import Any, NoReturn

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from fedctl.core.errors import FedctlError
from fedctl.core.state import Kind

_KINDS = ", ".join(kind.value for kind in Kind)


class AddressError(FedctlError, ValueError):
    """A text that is not a `kind/name` address; the message says what one looks like.

    A ValueError too, so a pydantic model reading a saved plan reports it as invalid.
    """


class Address(str):
    """One resource: its kind and its name (a `str` whose text is `kind/name`)."""

    kind: Kind
    name: str

    def __new__(cls, kind: Kind, name: str) -> Address:
        if type(kind) is not Kind:
            kind = Kind(kind)
        if not name:
            raise AddressError(f"{kind.value}/: a resource address needs a name after the /")
        address = super().__new__(cls, f"{kind._value_}/{name}")
        # Past __setattr__, which refuses every change once built. Plans build one per
        # resource, so this stays cheap (about a microsecond).
        address.__dict__.update(kind=kind, name=name)
        return address

    @classmethod
    def parse(cls, text: str) -> Address:
        """The address `text` spells, e.g. `rule/deploy-main`; AddressError when it is none."""
        if isinstance(text, Address):
            return text
        kind_text, slash, name = str(text).partition("/")
        if not slash:
            _refuse(text, "no / between kind and name")
        if not name:
            _refuse(text, "no name after the /")
        try:
            kind = Kind(kind_text)
        except ValueError:
            _refuse(text, f"{kind_text!r} is not a kind")
        return cls(kind, name)

    def __setattr__(self, attribute: str, value: object) -> NoReturn:
        raise AttributeError(f"Address is immutable: cannot set {attribute}")

    def __delattr__(self, attribute: str) -> NoReturn:
        raise AttributeError(f"Address is immutable: cannot delete {attribute}")

    def __repr__(self) -> str:
        return f"Address({self.kind.value!r}, {self.name!r})"

    def __str__(self) -> str:
        return f"{self.kind.value}/{self.name}"

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        # copy and pickle rebuild from (kind, name); str's own would pass the text.
        return (self.kind.value, self.name)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # Read as text (a saved plan, a snapshot) through parse; written as the text.
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def _validate(cls, value: object) -> Address:
        if not isinstance(value, str):
            raise AddressError(f"{value!r}: a resource address is text, e.g. rule/deploy-main")
        return cls.parse(value)


def _refuse(text: str, why: str) -> NoReturn:
    raise AddressError(
        f"{text!r} is not a resource address ({why}): expected KIND/NAME with KIND one of "
        f"{_KINDS}, e.g. rule/deploy-main"
    )

"""Address: a resource's (kind, name) as a value, whose text is today's `kind/name`."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from fedctl.core.address import Address, AddressError
from fedctl.core.state import Kind

names = st.text(min_size=1, max_size=40).filter(lambda text: "\x00" not in text)
addresses = st.builds(Address, st.sampled_from(list(Kind)), names)


def test_the_text_is_kind_slash_name() -> None:
    address = Address(Kind.RULE, "deploy-main")
    assert str(address) == "rule/deploy-main"
    assert f"{address}" == "rule/deploy-main"
    assert (address.kind, address.name) == (Kind.RULE, "deploy-main")
    assert repr(address) == "Address('rule', 'deploy-main')"


@given(addresses)
def test_parse_reads_back_what_str_writes(address: Address) -> None:
    parsed = Address.parse(str(address))
    assert parsed == address
    assert (parsed.kind, parsed.name) == (address.kind, address.name)


@given(addresses, addresses)
def test_addresses_sort_as_their_text_and_as_kind_then_name(a: Address, b: Address) -> None:
    assert (a < b) == (str(a) < str(b)) == ((a.kind.value, a.name) < (b.kind.value, b.name))


def test_a_name_may_hold_a_slash_only_the_first_one_separates() -> None:
    assert Address.parse("issuer/team/a").name == "team/a"


def test_equal_addresses_are_one_key_and_equal_their_text() -> None:
    assert {Address(Kind.ISSUER, "a"), Address.parse("issuer/a")} == {"issuer/a"}
    assert Address(Kind.ISSUER, "a") != Address(Kind.RULE, "a")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("deploy", "no / between kind and name"),
        ("rule/", "no name after the /"),
        ("rules/deploy", "'rules' is not a kind"),
        ("/deploy", "'' is not a kind"),
        ("", "no / between kind and name"),
    ],
)
def test_parse_refuses_what_is_no_address_and_says_what_would_work(text: str, why: str) -> None:
    with pytest.raises(AddressError) as caught:
        Address.parse(text)
    assert str(caught.value) == (
        f"{text!r} is not a resource address ({why}): expected KIND/NAME with KIND one of "
        "service_account, issuer, rule, api_key, e.g. rule/deploy-main"
    )


def test_an_address_cannot_be_changed() -> None:
    address = Address(Kind.RULE, "a")
    with pytest.raises(AttributeError):
        address.name = "b"  # type: ignore[misc]


def test_copies_and_pickles_keep_kind_and_name() -> None:
    address = Address(Kind.SERVICE_ACCOUNT, "ci")
    for again in (copy.deepcopy(address), pickle.loads(pickle.dumps(address))):
        assert (type(again), again.kind, again.name) == (Address, Kind.SERVICE_ACCOUNT, "ci")


class _Record(BaseModel):
    address: Address
    versions: dict[Address, int] = {}


def test_models_read_the_text_through_parse_and_write_the_text() -> None:
    record = _Record.model_validate({"address": "rule/a", "versions": {"issuer/b": 1}})
    assert record.address.kind is Kind.RULE
    assert json.loads(record.model_dump_json()) == {
        "address": "rule/a",
        "versions": {"issuer/b": 1},
    }
    with pytest.raises(ValidationError, match="is not a resource address"):
        _Record.model_validate({"address": "rule"})

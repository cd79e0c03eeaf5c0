"""RFC 7638 thumbprints, checked against the RFC's own example."""

from __future__ import annotations

from fedctl.core.jwk import key_label, thumbprint

# RFC 7638 §3.1.
RFC_KEY = {
    "kty": "RSA",
    "n": (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
        "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_F"
        "DW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4"
        "vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    ),
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}


def test_the_rfc_example() -> None:
    assert thumbprint(RFC_KEY) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_the_label_is_kid_and_a_short_thumbprint() -> None:
    assert key_label(RFC_KEY) == "2011-04-29 (sha256 NzbLsXh8uDCc)"


def test_optional_members_do_not_change_the_thumbprint() -> None:
    assert thumbprint({**RFC_KEY, "use": "sig", "kid": "other"}) == thumbprint(RFC_KEY)


def test_incomplete_keys_have_no_thumbprint() -> None:
    assert thumbprint({"kty": "EC", "crv": "P-256", "x": "a"}) is None
    assert key_label({"kid": "k1", "kty": "EC"}) == "k1"
    assert key_label("not a key") == "?"

"""JWKs as fedctl shows them: private members removed, keys named by kid and thumbprint.

A verification key set never needs a private member, yet an issuer made in the Console
(or by a careless script) can hold one. fedctl reads live issuers through
`public_only`, so the private members never reach a snapshot, an export, a plan or a
comment: each key that held any keeps a marker naming which, and `leaked_key_notes`
turns the marker into a warning that names the `kid` (never the value).

Plans and the access diff name an inline key by its `kid` and a short RFC 7638
thumbprint (`k1 (sha256 NzbLsXh8uDCc)`): a hash of the public members only, so no key
material is shown and a key replaced under the same `kid` still shows as a change.

    key = public_only({"kty": "EC", "kid": "k1", "d": "..."})
    leaked_key_notes("build", {"type": "inline", "keys": [key]})  # ["issuer/build: ..."]
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

# RFC 7517/7518 private (or symmetric) members.
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

# Marks a live key whose private members fedctl removed when it read the key. It differs
# from every declared key, so the plan replaces the live key set with the declared one.
REMOVED_MARKER = "fedctl_private_members_removed"


def public_only(key: dict[str, Any]) -> dict[str, Any]:
    """The key without private members; a key that had some carries REMOVED_MARKER."""
    removed = sorted(PRIVATE_JWK_MEMBERS & key.keys())
    if not removed:
        return dict(key)
    kept = {name: value for name, value in key.items() if name not in PRIVATE_JWK_MEMBERS}
    return {**kept, REMOVED_MARKER: removed}


def without_marker(jwks: dict[str, Any]) -> dict[str, Any]:
    """The JWKS with the markers taken off its keys (what a configuration may declare)."""
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        return jwks
    cleaned = [
        {name: value for name, value in key.items() if name != REMOVED_MARKER}
        if isinstance(key, dict)
        else key
        for key in keys
    ]
    return {**jwks, "keys": cleaned}


def leaked_keys(jwks: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(kid, private member names) of each key the live read found private members in."""
    keys = jwks.get("keys")
    return [
        (str(key.get("kid", "(no kid)")), [str(name) for name in key[REMOVED_MARKER]])
        for key in (keys if isinstance(keys, list) else [])
        if isinstance(key, dict) and REMOVED_MARKER in key
    ]


def leaked_key_notes(issuer_name: str, jwks: dict[str, Any]) -> list[str]:
    """One line per key that held private members, naming the kid and the member names."""
    return [
        f"issuer/{issuer_name}: the live inline JWKS key {kid} holds private key members "
        f"({', '.join(members)}); fedctl never shows or writes them; treat the key as leaked "
        "and rotate it"
        for kid, members in leaked_keys(jwks)
    ]


SHORT = 12  # base64url characters shown: 72 bits, enough to tell keys apart by eye
# RFC 7638 §3.2: the required public members of each key type, and only those.
_REQUIRED = {
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
    "OKP": ("crv", "kty", "x"),
    "oct": ("k", "kty"),
}


def thumbprint(key: dict[str, Any]) -> str | None:
    """The full RFC 7638 SHA-256 thumbprint, base64url; None when the key lacks members."""
    members = _REQUIRED.get(str(key.get("kty")))
    if members is None or not all(isinstance(key.get(m), str) for m in members):
        return None
    canonical = json.dumps({m: key[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def key_label(key: object) -> str:
    """`kid (sha256 NzbLsXh8uDCc)`: what outputs show for one inline key."""
    if not isinstance(key, dict):
        return "?"
    kid = str(key.get("kid", "(no kid)"))
    print_ = thumbprint(key)
    return f"{kid} (sha256 {print_[:SHORT]})" if print_ else kid

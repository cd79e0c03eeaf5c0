"""RFC 7638 JWK thumbprints, so a key replaced under the same `kid` shows as a change.

Plans and the access diff name an inline key by its `kid` and a short thumbprint
(`k1 (sha256 NzbLsXh8uDCc)`): a hash of the public members only, so no key material is
shown and a reviewer can still tell two keys apart.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

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

"""An issuer's `jwks`: discovery, an explicit URL or inline public keys (docs/admin-api.md §3.4)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from fedctl.config.base import Strict as _Strict
from fedctl.config.base import fail as _fail
from fedctl.config.base import quoted as _q
from fedctl.config.pem import certificate_problem
from fedctl.config.urls import dialled_url_problem


def _certificates_only(value: str) -> str:
    # The same reader as ca_cert_file (pem.py); its message never quotes the value.
    problem = certificate_problem(value)
    if problem is not None:
        raise _fail(f"ca_cert_pem {problem}")
    return value


PemText = Annotated[str, Field(min_length=1, max_length=8192), AfterValidator(_certificates_only)]


class DiscoveryJwks(_Strict):
    """Keys found through `<discovery_base or issuer_url>/.well-known/openid-configuration`."""

    type: Literal["discovery"]
    discovery_base: str | None = None
    ca_cert_pem: PemText | None = None
    ca_cert_file: Annotated[str, Field(min_length=1)] | None = None

    @field_validator("discovery_base")
    @classmethod
    def _discovery_base_is_dialled(cls, value: str | None) -> str | None:
        # Anthropic dials discovery_base when set (docs/admin-api.md §5.3).
        problem = dialled_url_problem(value) if value is not None else None
        if problem:
            raise _fail(problem)
        return value

    @model_validator(mode="after")
    def _one_ca_source(self) -> DiscoveryJwks:
        if self.ca_cert_pem is not None and self.ca_cert_file is not None:
            raise _fail("set ca_cert_pem or ca_cert_file, not both", at="ca_cert_file")
        return self


class ExplicitUrlJwks(_Strict):
    """Keys fetched straight from `url`; `issuer_url` is then only compared, never dialled."""

    type: Literal["explicit_url"]
    url: str
    ca_cert_pem: PemText | None = None
    ca_cert_file: Annotated[str, Field(min_length=1)] | None = None

    @field_validator("url")
    @classmethod
    def _url_is_dialled(cls, value: str) -> str:
        problem = dialled_url_problem(value)
        if problem:
            raise _fail(problem)
        return value

    @model_validator(mode="after")
    def _one_ca_source(self) -> ExplicitUrlJwks:
        if self.ca_cert_pem is not None and self.ca_cert_file is not None:
            raise _fail("set ca_cert_pem or ca_cert_file, not both", at="ca_cert_file")
        return self


# JWK members that only private or symmetric keys carry (RFC 7518 §6).
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
PUBLIC_KEY_TYPES = ("RSA", "EC", "OKP")
# What is sent of each key (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2): its public members and
# nothing else. Any other member (`"note": "ghs_..."` in a keys_file) is dropped before the
# plan, the API, snapshots or exports see it, since the plan shows only kid and thumbprint.
COMMON_PUBLIC_MEMBERS = ("kty", "kid", "use", "key_ops", "alg", "x5c", "x5t", "x5t#S256")
PUBLIC_MEMBERS = {
    "RSA": (*COMMON_PUBLIC_MEMBERS, "n", "e"),
    "EC": (*COMMON_PUBLIC_MEMBERS, "crv", "x", "y"),
    "OKP": (*COMMON_PUBLIC_MEMBERS, "crv", "x"),
}


class Jwk(BaseModel):
    """One public JSON Web Key: the public members of its key type (PUBLIC_MEMBERS) only.

    NOTE: messages here name a key by its kid or index only; a key's values never
    appear in an error, because a pasted private key is exactly what this catches.
    """

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    kid: Annotated[str, Field(min_length=1)]
    kty: str

    @model_validator(mode="before")
    @classmethod
    def _public_only(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        kid = data.get("kid")
        named = f"key {_q(kid)}" if isinstance(kid, str) and kid else "this key"
        if data.get("kty") == "oct":
            raise _fail(
                f'{named} is a symmetric key (kty "oct"); use the issuer\'s public RSA or EC key'
            )
        private = [member for member in PRIVATE_MEMBERS if member in data]
        if private:
            members = ", ".join(private)
            raise _fail(
                f"{named} holds private key material ({members}); "
                "publish only the public key (remove those members)"
            )
        public = PUBLIC_MEMBERS.get(str(data.get("kty")))
        if public is None:
            return data  # `_known_type` refuses the type
        return {member: value for member, value in data.items() if member in public}

    @field_validator("kty")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in PUBLIC_KEY_TYPES:
            raise _fail(f"{_q(value)} is not a public key type; use RSA, EC or OKP")
        return value


class InlineJwks(_Strict):
    """Public keys held in the configuration (`keys`) or in a JSON file beside it."""

    type: Literal["inline"]
    keys: Annotated[list[Jwk], Field(min_length=1)] | None = None
    keys_file: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_key_source(self) -> InlineJwks:
        if (self.keys is None) == (self.keys_file is None):
            raise _fail("set exactly one of keys (a list of JWKs) or keys_file (a JSON file)")
        if self.keys is not None:
            _check_unique_kids(self.keys)
        return self


def _check_unique_kids(keys: list[Jwk]) -> None:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key.kid in seen:
            raise _fail(
                f"kid {_q(key.kid)} appears twice; every key needs its own kid", at=["keys", index]
            )
        seen.add(key.kid)


Jwks = Annotated[DiscoveryJwks | ExplicitUrlJwks | InlineJwks, Field(discriminator="type")]

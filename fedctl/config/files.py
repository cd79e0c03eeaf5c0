"""Reads the files an issuer points at (`jwks.keys_file`, `jwks.ca_cert_file`) at load time.

Paths are relative to the configuration file that names them, and must stay inside the
configuration folder (after symlinks): a pull request must not make fedctl read, and
send to the API, any other file of the machine that runs it. A `ca_cert_file` must hold
certificates and nothing else, read by `pem.py` exactly as an inline `ca_cert_pem` is;
anything else (a private key in a bundle) is refused, never shown. After this step the
models hold the content (`keys`, `ca_cert_pem`) and the file fields are None, so every
later step, and the config digest, sees the same thing whether keys were inline or not.

    resolve_file_references(declared, locations, diagnostics)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError

from fedctl.config.checks import Declared
from fedctl.config.jwks import DiscoveryJwks, ExplicitUrlJwks, InlineJwks, Jwk
from fedctl.config.located_yaml import LocationMap, format_path
from fedctl.config.models import Issuer
from fedctl.config.pem import certificate_problem
from fedctl.config.translate import diagnostics_from
from fedctl.config.validated import Origin
from fedctl.core.errors import Diagnostic


class KeysFile(BaseModel):
    """The content of a keys_file: a JWKS document (`{"keys": [...]}`) or the bare list."""

    keys: Annotated[list[Jwk], Field(min_length=1)]


class _FileProblem(Exception):
    """A keys_file or ca_cert_file that cannot be used; the message is safe to show."""


def resolve_file_references(
    declared: Declared,
    locations: dict[str, LocationMap],
    diagnostics: list[Diagnostic],
    *,
    root: Path,
) -> None:
    folder = (root if root.is_dir() else root.parent).resolve()
    for position, (issuer, origin) in enumerate(declared.issuers):
        try:
            resolved = _resolve_issuer(issuer, origin, folder)
        except _FileProblem as exc:
            field_name, message = exc.args
            path = (*origin.path, "jwks", field_name)
            where = locations[origin.file].value_at(path) if origin.file in locations else None
            diagnostics.append(Diagnostic(where, format_path(path), message, code="file-reference"))
            continue
        declared.issuers[position] = (resolved, origin)


def _resolve_issuer(issuer: Issuer, origin: Origin, folder: Path) -> Issuer:
    jwks = issuer.jwks
    if isinstance(jwks, InlineJwks) and jwks.keys_file is not None:
        path = _inside(folder, origin.directory / jwks.keys_file, jwks.keys_file, "keys_file")
        keys = _read_keys(path, jwks.keys_file)
        jwks = jwks.model_copy(update={"keys": keys, "keys_file": None})
    elif isinstance(jwks, DiscoveryJwks | ExplicitUrlJwks) and jwks.ca_cert_file is not None:
        path = _inside(
            folder, origin.directory / jwks.ca_cert_file, jwks.ca_cert_file, "ca_cert_file"
        )
        pem = _read_pem(path, jwks.ca_cert_file)
        jwks = jwks.model_copy(update={"ca_cert_pem": pem, "ca_cert_file": None})
    else:
        return issuer
    return issuer.model_copy(update={"jwks": jwks})


def _inside(folder: Path, path: Path, written: str, field_name: str) -> Path:
    """`path` itself (messages show it as written), once its real location is inside.

    Absolute paths, `..` and symlinks all resolve first, so each is judged by where it
    really leads; a path that leaves the folder is never opened.
    """
    if not path.resolve().is_relative_to(folder):
        what = "certificate" if field_name == "ca_cert_file" else "keys file"
        raise _FileProblem(
            field_name,
            f"{json.dumps(written)} is outside the configuration folder; keep the "
            f"{what} next to the configuration",
        )
    return path


def _read_text(path: Path, written: str, field_name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise _FileProblem(
            field_name, f"cannot read {json.dumps(written)} ({path}): {reason}"
        ) from None


def _read_keys(path: Path, written: str) -> list[Jwk]:
    text = _read_text(path, written, "keys_file")
    try:
        data = json.loads(text)
    except ValueError:
        raise _FileProblem(
            "keys_file", f"{json.dumps(written)} is not JSON; expected a JWKS document"
        ) from None
    if isinstance(data, list):
        data = {"keys": data}
    if not isinstance(data, dict) or set(data) - {"keys"}:
        if isinstance(data, dict) and "keys" in data:
            data = {"keys": data["keys"]}  # a full JWKS document may carry other members
        else:
            raise _FileProblem(
                "keys_file", f'{json.dumps(written)} must hold {{"keys": [...]}} or a list of JWKs'
            )
    try:
        return KeysFile.model_validate(data).keys
    except ValidationError as exc:
        first = diagnostics_from(exc, KeysFile, LocationMap(file=written), ())[0]
        raise _FileProblem(
            "keys_file", f"{json.dumps(written)}: {first.path}: {first.message}"
        ) from None


def _read_pem(path: Path, written: str) -> str:
    text = _read_text(path, written, "ca_cert_file")
    problem = certificate_problem(text)
    if problem is not None:
        raise _FileProblem("ca_cert_file", f"{json.dumps(written)} {problem}")
    return text

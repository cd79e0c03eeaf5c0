"""The one reader of CA certificates (`jwks.ca_cert_pem` and `jwks.ca_cert_file`).

A CA field is sent to the API, printed in the plan and the pull-request comment, and
written to snapshots and exports, so whatever it holds leaves the machine. It must hold
X.509 certificates and nothing else: a private key in any of its forms (PKCS#8, PKCS#1,
SEC1, OpenSSH, encrypted), a block under an odd label, a key re-labelled CERTIFICATE,
PEM header lines (`X-Leak: <base64>`) and base64 outside a block are all refused.

The reading is strict and line based, and every block is parsed by `cryptography` from
its DER bytes, so "looks like a certificate" never passes for one.

NOTE: a refusal names the block by its position, line and a known label only. Neither
the block, its header lines, an unknown label nor the text around it is ever quoted:
any of them may be key material.

    problem = certificate_problem(text)   # None, or "holds ...", safe to print after a name
"""

from __future__ import annotations

import base64
import binascii
import re

MAX_PEM_LENGTH = 8192
CERTIFICATE_LABEL = "CERTIFICATE"

# Labels worth naming in a message; any other label is described, not quoted.
_KNOWN_LABELS = frozenset(
    {
        "PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "DSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "ANY PRIVATE KEY",
        "PUBLIC KEY",
        "RSA PUBLIC KEY",
        "CERTIFICATE REQUEST",
        "NEW CERTIFICATE REQUEST",
        "TRUSTED CERTIFICATE",
        "X509 CRL",
        "PKCS7",
        "CMS",
        "EC PARAMETERS",
        "DH PARAMETERS",
        "SSH2 ENCRYPTED PRIVATE KEY",
        "PGP PRIVATE KEY BLOCK",
    }
)
_BEGIN = re.compile(r"-----BEGIN (.*)-----")
_END = re.compile(r"-----END (.*)-----")
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# A PEM certificate is plain ASCII (RFC 7468): anything else is a control character
# (terminal escapes included) or text that has no place in a certificate.
_NOT_PEM_TEXT = re.compile(r"[^\x20-\x7e\t]")
_REMOVE = "a CA certificate field must hold only certificates: remove it"


class PemProblem(Exception):
    """Why a CA text is refused; the message is safe to print (it quotes no material).

    `what` is the finding alone ("holds a PEM block that is not a certificate (...)"),
    `fix` what a configuration's author can do; the message is both.
    """

    def __init__(self, what: str, fix: str | None = None) -> None:
        super().__init__(f"{what}; {fix}" if fix else what)
        self.what = what


def certificate_problem(text: str, *, with_fix: bool = True) -> str | None:
    """None when `text` is one or more PEM certificates and blank space; else the reason.

    `with_fix=False` leaves out the advice for a configuration's author, for a value
    someone else wrote (the live organization's).
    """
    try:
        check_certificates(text)
    except PemProblem as exc:
        return str(exc) if with_fix else exc.what
    return None


def check_certificates(text: str) -> None:
    """Raise PemProblem unless every non-blank line belongs to a parsable certificate."""
    if len(text) > MAX_PEM_LENGTH:
        raise PemProblem(f"is {len(text)} characters", f"the API takes at most {MAX_PEM_LENGTH}")
    lines = text.replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        if _NOT_PEM_TEXT.search(line):
            raise PemProblem(
                f"holds a control or non-ASCII character (line {number})",
                "a PEM certificate is plain ASCII: export it again as PEM",
            )
    if not any(_BEGIN.fullmatch(line.strip()) for line in lines):
        raise PemProblem("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    blocks = 0
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        begin = _BEGIN.fullmatch(line)
        if begin is None:
            raise PemProblem(
                f"holds text outside its certificate blocks (line {index + 1})",
                "keep only the certificates",
            )
        blocks += 1
        index = _read_block(lines, index, begin.group(1), blocks)
    if blocks == 0:
        raise PemProblem("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")


def _read_block(lines: list[str], start: int, label: str, number: int) -> int:
    """Check the block that starts at `start`; return the index after its END line."""
    where = f"block {number}, line {start + 1}"
    if label != CERTIFICATE_LABEL:
        named = label if label in _KNOWN_LABELS else "an unrecognised label"
        raise PemProblem(f"holds a PEM block that is not a certificate ({named}; {where})", _REMOVE)
    body: list[str] = []
    for index in range(start + 1, len(lines)):
        line = lines[index].strip()
        if not line:
            continue  # blank lines carry nothing (RFC 7468 readers skip them too)
        end = _END.fullmatch(line)
        if end is not None:
            if end.group(1) != CERTIFICATE_LABEL:
                raise PemProblem(f"holds a block whose END label differs ({where})", _REMOVE)
            _parse(body, where)
            return index + 1
        if ":" in line:
            raise PemProblem(
                f"holds a header line inside a certificate block ({where}: line {index + 1})",
                "a certificate has none: remove it",
            )
        if not _BASE64_LINE.fullmatch(line):
            raise PemProblem(
                f"holds a line that is not base64 inside a certificate block ({where}: line "
                f"{index + 1})",
                "export the certificate again as PEM",
            )
        body.append(line)
    raise PemProblem(f"holds a certificate block that is not closed ({where})")


def _parse(body: list[str], where: str) -> None:
    from cryptography import x509

    try:
        der = base64.b64decode("".join(body), validate=True)
        x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        raise PemProblem(
            f"holds a certificate that cannot be parsed ({where})", "export it again as PEM"
        ) from None

"""A reader of the HCL subset fedctl writes, independent of fedctl's writer: the test
oracle for escaping. It follows the HCL native syntax spec for quoted templates:
escapes `\\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN`, `$${` and `%%{` for a literal `${` /
`%{`; an unescaped `${` or `%{` (an interpolation or directive Terraform would evaluate)
or a raw line break inside a string is an error.

Usage:
    structure, strings = read_hcl(text)  # strings decoded; structure with each as "S"
"""

from __future__ import annotations

_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class HclSyntaxError(ValueError):
    pass


def read_hcl(text: str) -> tuple[str, list[str]]:
    structure: list[str] = []
    strings: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
        elif char == '"':
            decoded, index = _string(text, index + 1)
            strings.append(decoded)
            structure.append('"S"')
        else:
            structure.append(char)
            index += 1
    return "".join(structure), strings


def _string(text: str, index: int) -> tuple[str, int]:
    out: list[str] = []
    while True:
        if index >= len(text):
            raise HclSyntaxError("unterminated string")
        char = text[index]
        if char == '"':
            return "".join(out), index + 1
        if char == "\n":
            raise HclSyntaxError("line break inside a string")
        if char == "\\":
            decoded, index = _escape(text, index + 1)
            out.append(decoded)
            continue
        if char in "$%" and text.startswith(char + char + "{", index):
            out.append(char + "{")
            index += 3
            continue
        if char in "$%" and text.startswith(char + "{", index):
            raise HclSyntaxError(f"template sequence {char}{{ at {index}")
        out.append(char)
        index += 1


def _escape(text: str, index: int) -> tuple[str, int]:
    char = text[index : index + 1]
    if char in _SIMPLE and char:
        return _SIMPLE[char], index + 1
    width = {"u": 4, "U": 8}.get(char)
    if width is None:
        raise HclSyntaxError(f"unknown escape \\{char}")
    digits = text[index + 1 : index + 1 + width]
    if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
        raise HclSyntaxError("bad unicode escape")
    return chr(int(digits, 16)), index + 1 + width

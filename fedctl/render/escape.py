"""Terminal-safe text: what users or servers wrote is shown, never interpreted.

A claim value, a description or a server's message can carry `\\r`, ANSI escape
sequences or other control characters that would rewrite what a reviewer sees (erase
"BROADENS ACCESS" before a prompt). Every human-readable output passes such text
through `escape_control`, which shows control characters as Python-style escapes.

    >>> escape_control("ok\\x1b[2K\\rfine")
    'ok\\\\x1b[2K\\\\rfine'
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_control(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`, `\\r`, ...)."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

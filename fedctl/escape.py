"""Makes user-controlled strings safe to print: in a terminal and in Markdown.

Every string a configuration, a template variable or the server controls is hostile: a
claim value holding `\\r` and `ESC [2K` can erase "BROADENS ACCESS" from the line above an
apply prompt, and `<!--` in a pull-request comment hides everything after it. Renderers
pass such strings through `escape_terminal` (control and bidirectional-override
characters shown as `\\x1b`, `\\r`, `\\u202e`) and, for Markdown prose, `escape_markdown`
(raw HTML, table pipes and newlines neutralised too).

    escape_terminal("main\\r\\x1b[2K")   # 'main\\\\r\\\\x1b[2K'
    escape_markdown("<!-- | x")         # '&lt;!-- \\\\| x'
"""

from __future__ import annotations

import re
from typing import Any

# C0, DEL, C1, and the Unicode controls that reorder or hide text (Trojan Source).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_terminal(text: str) -> str:
    """The text with every control character written as a visible escape; one line."""
    return _UNSAFE.sub(_shown, text)


def escape_markdown(text: str) -> str:
    """Text safe in Markdown prose and table cells: no raw HTML, `|` or line breaks."""
    # `<` and `&` suffice to stop raw HTML and entities; `>` stays for readable arrows.
    safe = escape_terminal(text).replace("&", "&amp;").replace("<", "&lt;")
    return safe.replace("|", "\\|")


def escape_code_span(text: str) -> str:
    """Text safe between single backticks: a backtick would end the span early."""
    return escape_terminal(text).replace("`", "'")


def escape_all(value: Any) -> Any:
    """`escape_terminal` applied to every string inside lists, tuples and dict values."""
    if isinstance(value, str):
        return escape_terminal(value)
    if isinstance(value, dict):
        return {key: escape_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [escape_all(item) for item in value]
    return value

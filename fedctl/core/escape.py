"""Makes user-controlled strings safe to print: in a terminal and in Markdown.

Every string a configuration, a template variable or the server controls is hostile: a
claim value holding `\\r` and `ESC [2K` can erase "BROADENS ACCESS" from the line above an
apply prompt, and `<!--` in a pull-request comment hides everything after it. Renderers
pass such strings through `escape_terminal` (control, format, private-use, unassigned
and invisible filler characters shown as `\\x1b`, `\\r`, `\\u202e`, `\\ufeff`) and, in
Markdown, `code_span` for a value or `escape_markdown` for prose that quotes values
(every word that could render, link or mention goes in a code span).

    escape_terminal("main\\r\\x1b[2K")   # 'main\\\\r\\\\x1b[2K'
    escape_markdown("see <!-- @team")  # 'see `<!--` `@team`'
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

# ASCII fast path: C0 and DEL (C1 and the rest are outside ASCII).
_UNSAFE_ASCII = re.compile("[\x00-\x1f\x7f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Categories whose characters are invisible or ambiguous when printed: controls (Cc),
# format characters (Cf: bidi overrides, zero-width joiners, U+FEFF, U+00AD, tags,
# invisible math operators, interlinear annotation), surrogates (Cs), private use (Co),
# unassigned (Cn, a later Unicode may make them invisible), line and paragraph
# separators (Zl, Zp), and every space other than U+0020 (Zs: NBSP, U+2000-200A,
# U+3000 look like a plain space).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
# Letters and marks that render as nothing or as a blank although their category says
# otherwise: Hangul fillers, the Braille blank, the combining grapheme joiner, Mongolian
# free variation selectors and every variation selector (U+FE00-FE0F, U+E0100-E01EF).
_INVISIBLE_GRAPHIC = frozenset(
    {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800}
    | {0x3164, 0xFFA0}
    | set(range(0xFE00, 0xFE10))
    | set(range(0xE0100, 0xE01F0))
)


@lru_cache(maxsize=4096)
def is_hidden(char: str) -> bool:
    """Whether one character would print invisibly, ambiguously or as a control."""
    if char == " ":
        return False
    return ord(char) in _INVISIBLE_GRAPHIC or unicodedata.category(char) in _HIDDEN_CATEGORIES


def _shown_char(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _shown(match: re.Match[str]) -> str:
    return _shown_char(match.group())


def escape_terminal(text: str) -> str:
    """The text with every control, format or invisible character written as a visible
    escape (`\\x1b`, `\\u202e`, `\\U000e0041`); one line, two different values never
    print the same."""
    if text.isascii():
        return _UNSAFE_ASCII.sub(_shown, text)
    return "".join(_shown_char(char) if is_hidden(char) else char for char in text)


# A word that renders as itself in Markdown and in GitHub's HTML: letters, digits, `_`,
# `-` and `'` inside, an opening parenthesis before, closing punctuation after. Anything
# else (`[`, `!`, `@`, `*`, `:`, `/`, `.` inside a word, `<`, `&`, a backtick...) could
# start a link, an image, an autolink, a mention, emphasis or HTML, so it goes in a code
# span, the one construct GitHub neither parses nor scans for mentions.
_PLAIN_WORD = re.compile(r"\(?[^\W_][\w'-]*[),;:.]*")
_PLAIN_TOKENS = frozenset({"-", "->", "<-", "=", "+"})
_EDGES = re.compile(r"(?P<lead>\(?)(?P<core>.*?)(?P<tail>[),;:.]*)", re.DOTALL)


def _is_plain(word: str) -> bool:
    return word in _PLAIN_TOKENS or _PLAIN_WORD.fullmatch(word) is not None


def code_span(text: str, *, in_table: bool = False) -> str:
    """`text` as one Markdown code span shown exactly (one line, controls escaped).

    The fence is one backtick longer than the longest run inside, padded with a space
    when the text starts or ends with a backtick or a space (CommonMark strips one).
    In a GFM table cell `|` must be `\\|` even inside code.

        code_span("a`b")   # '``a`b``'
    """
    content = escape_terminal(text)
    if in_table:
        content = content.replace("|", "\\|")
    if not content:
        return "` `"
    longest = max((len(run) for run in re.findall("`+", content)), default=0)
    fence = "`" * (longest + 1)
    if content[0] in "` " or content[-1] in "` ":
        content = f" {content} "
    return f"{fence}{content}{fence}"


def _words(text: str, wrap: Callable[[str], str]) -> str:
    """Plain words kept, every other word wrapped; an opening parenthesis before it and
    closing punctuation after it stay outside the wrapping, for reading."""
    shown = []
    for word in escape_terminal(text).split(" "):
        if not word or _is_plain(word):
            shown.append(word)
            continue
        parts = _EDGES.fullmatch(word)
        assert parts is not None  # the pattern matches every string
        lead, core, tail = parts.group("lead", "core", "tail")
        shown.append(lead + wrap(core) + tail if core else wrap(word))
    return " ".join(shown)


def escape_markdown(text: str, *, in_table: bool = True) -> str:
    """Prose safe in Markdown (and table cells): plain words stay, every other word goes
    in a code span, so nothing renders, links, embeds or mentions (`@team`)."""
    return _words(text, lambda word: code_span(word, in_table=in_table))


def escape_html_text(text: str) -> str:
    """Prose inside raw HTML (a `<summary>`): plain words stay, others in `<code>`,
    HTML-escaped; GitHub scans no mention inside `<code>`."""
    return _words(text, lambda word: f"<code>{html.escape(word)}</code>")


def escape_code_span(text: str) -> str:
    """Text safe between single backticks: a backtick would end the span early.

    Prefer `code_span`, which keeps backticks and handles table pipes.
    """
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

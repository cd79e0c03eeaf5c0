"""Render Markdown the way GitHub would (CommonMark, GFM tables, autolinks) and report
what a hostile value made live: links, images, emphasis, HTML, and `@` outside code
(GitHub turns `@team` in any text node outside code into a mention)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_CODE = re.compile(r"<code>.*?</code>|<pre>.*?</pre>", re.DOTALL)


def live_constructs(markdown: str, payload_words: tuple[str, ...]) -> list[str]:
    """Every place where rendered HTML outside code carries a live construct."""
    rendered = MarkdownIt("gfm-like").render(markdown)
    outside_code = _CODE.sub("", rendered)
    found = []
    for tag in ("<a ", "<img", "<!--", "<script"):
        if tag in outside_code:
            found.append(f"{tag} in {outside_code[outside_code.index(tag) :][:120]!r}")
    if "@" in outside_code:
        found.append(f"@ outside code: {outside_code[outside_code.index('@') - 60 :][:120]!r}")
    for emphasis in re.findall(r"<(?:strong|em)>(.*?)</(?:strong|em)>", outside_code):
        if any(word in emphasis for word in payload_words):
            found.append(f"emphasis: {emphasis!r}")
    return found

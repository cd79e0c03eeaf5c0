"""Every `§` citation in fedctl/ resolves inside docs/admin-api.md (issue 28 item 5).

The root docstring says how the code cites the API: `docs/admin-api.md §N` or a bare
`§N`, both meaning a section of docs/admin-api.md. A section is a numbered heading
(`### 5.8 Workspaces and memberships`) or a numbered point inside one (`- 2.2.5 Archive
is idempotent`); `§8 item 4` names the fourth entry of a section's numbered list. An RFC
citation (`RFC 7518 §6`) is the RFC's own numbering and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
ADMIN_API = ROOT / "docs" / "admin-api.md"
CODE = ROOT / "fedctl"
TEXT_SUFFIXES = {".py", ".md", ".j2", ".yaml", ".yml", ".txt", ".json", ".toml"}

_HEADING = re.compile(r"^#{2,} (?P<number>\d+(?:\.\d+)*)\.? ", re.MULTILINE)
_POINT = re.compile(r"^- (?P<number>\d+(?:\.\d+)+) ", re.MULTILINE)
_LIST_ITEM = re.compile(r"^(?P<item>\d+)\. ", re.MULTILINE)
# `§5.8`, `§ 5.8`, then optionally `item 4`, `items 5, 6`, `items 3-5` or `#28`.
_CITATION = re.compile(
    r"§\s?(?P<number>\d+(?:\.\d+)*)"
    r"(?:\s+(?:items?\s+|#)(?P<items>\d+(?:\s*(?:,|-|and)\s*\d+)*))?"
)
_RFC = re.compile(r"\bRFC\s?\d+[^§\n]{0,12}$")
# What may stand right before a citation, naming the document it cites.
_NAMED_DOCUMENT = re.compile(r"(?P<document>[\w./-]*(?:\.md|contract|facts))[\s,(]*$", re.I)


@dataclass(frozen=True)
class Citation:
    where: str
    number: str
    items: tuple[int, ...]
    document: str | None


def _sections() -> dict[str, set[int]]:
    """Section number -> the item numbers of its numbered list (empty when it has none)."""
    text = ADMIN_API.read_text(encoding="utf-8")
    headings = list(_HEADING.finditer(text))
    sections: dict[str, set[int]] = {}
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        body = text[heading.end() : end]
        sections[heading["number"]] = {int(item["item"]) for item in _LIST_ITEM.finditer(body)}
    for point in _POINT.finditer(text):
        sections.setdefault(point["number"], set())
    return sections


def _item_numbers(spec: str | None) -> tuple[int, ...]:
    if spec is None:
        return ()
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|and)\s*", spec):
        first, _, last = part.partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return tuple(numbers)


def _citations() -> list[Citation]:
    found: list[Citation] = []
    for path in sorted(CODE.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for match in _CITATION.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            before = text[line_start : match.start()]
            if _RFC.search(before):
                continue
            named = _NAMED_DOCUMENT.search(before)
            line = text.count("\n", 0, match.start()) + 1
            found.append(
                Citation(
                    where=f"{path.relative_to(ROOT)}:{line}: {match.group(0)}",
                    number=match["number"].rstrip("."),
                    items=_item_numbers(match["items"]),
                    document=named["document"] if named else None,
                )
            )
    return found


def test_the_code_cites_the_reference_often_enough_to_be_checked() -> None:
    # A regex that silently matched nothing would pass every test below.
    assert len(_citations()) > 200
    assert {"2.7.3", "5.8", "8"} <= {citation.number for citation in _citations()}


def test_every_citation_names_a_section_of_docs_admin_api_md() -> None:
    sections = _sections()
    nowhere = [citation.where for citation in _citations() if citation.number not in sections]
    assert nowhere == [], "these cite a section docs/admin-api.md does not have"


def test_every_cited_item_exists_in_its_section() -> None:
    sections = _sections()
    missing = [
        citation.where
        for citation in _citations()
        if citation.number in sections and not set(citation.items) <= sections[citation.number]
    ]
    assert missing == [], "these cite an item their section's numbered list does not have"


def test_citations_name_no_other_document() -> None:
    others = [
        citation.where
        for citation in _citations()
        if citation.document not in (None, "docs/admin-api.md")
    ]
    assert others == [], "cite docs/admin-api.md (or a bare §N), not another document"


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b[Rr]evision \d",
        r"idp-facts",
        r"(?<!docs/)admin-api\.md|(?<!docs/)\badmin-api\s+§",
        r"\bcontract §",
    ],
)
def test_no_citation_of_a_document_outside_the_repository(pattern: str) -> None:
    # The API contract's revisions and the provider fact sheet were never in the
    # repository; a reader of fedctl/ must find every cited text under docs/.
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(CODE.rglob("*"))
        if path.suffix in TEXT_SUFFIXES and path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(pattern, line)
    ]
    assert hits == []

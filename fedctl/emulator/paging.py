"""Opaque-cursor paging (docs/admin-api.md §4.1): the cursor names the list and the last item."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import TypeVar

from fedctl.emulator.validation import ApiFailure, bad_request

Item = TypeVar("Item")


def page(
    list_key: str,
    items: list[Item],
    key: Callable[[Item], str],
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[Item], str | None]:
    """One page of `items` after `cursor`, and the cursor of the next page (or None).

    A cursor from another list, or whose item left the list, is refused with 400.
    """
    start = 0
    if cursor is not None:
        cursor_item = item_of(list_key, cursor)
        keys = [key(item) for item in items]
        if cursor_item not in keys:
            raise stale_cursor()
        start = keys.index(cursor_item) + 1
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    next_page = _encode_cursor(list_key, key(chunk[-1])) if more and chunk else None
    return chunk, next_page


def item_of(list_key: str, cursor: str) -> str:
    """The item a cursor of this list names; 400 for a cursor of another list."""
    cursor_list, cursor_item = _decode_cursor(cursor)
    if cursor_list != list_key:
        raise bad_request(
            "page: this cursor belongs to another listing; start again from the first page"
        )
    return cursor_item


def stale_cursor() -> ApiFailure:
    return bad_request(
        "page: this cursor is stale (its entry is gone); start again from the first page"
    )


def next_cursor(list_key: str, item_key: str) -> str:
    """The cursor of the page after the one that ends with `item_key`."""
    return _encode_cursor(list_key, item_key)


def _encode_cursor(list_key: str, item_key: str) -> str:
    raw = json.dumps([list_key, item_key]).encode()
    return "page_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        if not cursor.startswith("page_"):
            raise ValueError(cursor)
        body = cursor[len("page_") :]
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        list_key, item_key = json.loads(raw)
        return str(list_key), str(item_key)
    except (ValueError, TypeError, binascii.Error):
        raise bad_request("page: not a cursor returned by this listing") from None

"""Python strings to z3 strings and back, code point for code point.

`z3.StringVal` reads `\\u{...}` escapes inside its argument and `as_string()` writes them
back, so a claim value holding the text `\\u{41}` would be modelled as `A`, and a witness
would print escapes for the characters a reader must see. Both go through the code points
instead (the C API's u32 strings), so a value is the string it is, whatever it holds.
"""

from __future__ import annotations

import ctypes
from typing import Any

import z3
from z3 import z3core


def literal(value: str) -> Any:
    """The z3 string of exactly these code points."""
    context = z3.main_ctx()
    points = [ord(char) for char in value]
    array = (ctypes.c_uint * len(points))(*points)
    return z3.SeqRef(z3core.Z3_mk_u32string(context.ref(), len(points), array), context)


def text(value: Any) -> str:
    """The Python string of a z3 string value (a model's answer), code point for code point."""
    context = value.ctx
    length = z3core.Z3_get_string_length(context.ref(), value.as_ast())
    array = (ctypes.c_uint * length)()
    z3core.Z3_get_string_contents(context.ref(), value.as_ast(), length, array)
    return "".join(chr(point) for point in array)

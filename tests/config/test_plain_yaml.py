"""The fast YAML path (no locations) gives the located loader's data, bounds and messages.

Every hostile input goes through `load_yaml` and must end exactly as it does through
`parse_yaml`, the located loader whose messages are the reference; ordinary input must
stay on the fast path and still find its locations when asked.
"""

from __future__ import annotations

import string

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fedctl.config import plain_yaml
from fedctl.config.located_yaml import MAX_DEPTH, ParsedFile, parse_yaml
from fedctl.config.plain_yaml import load_yaml

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)

HOSTILE = {
    "alias bomb": (BOMB, "YAML aliases expand to more than 100000 values"),
    "recursive alias": ("a: &x [1, *x]\n", "refers to itself through a YAML alias"),
    "thousands of flow lists": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64"),
    "nesting libyaml accepts": ("a: " + "[" * 70 + "]" * 70 + "\n", "nested more than 64"),
    "unclosed nesting": ("a: " + "{a: " * 3000 + "\n", "nested more than 64"),
    "deep block nesting": ("a:\n" + "- " * 3000 + "x\n", "nested more than 64"),
    "duplicate key": ("a: 1\nb: 2\na: 3\n", 'duplicate key "a"'),
    "duplicate key by value": ("1: a\n1.0: b\n", "duplicate key 1.0"),
    "duplicate key by bool": ("true: a\n1: b\n", "duplicate key 1"),
    "complex key": ("? [a, b]\n: 1\n", "a mapping key must be a plain value, not a list"),
    "mapping key": ("? {a: 1}\n: 1\n", "a mapping key must be a plain value, not a list"),
    "unknown tag": ("a: !custom x\n", "cannot read this value"),
    "python tag": ("a: !!python/name:os.system x\n", "cannot read this value"),
    "merge of a scalar": ("a: &s x\nb:\n  <<: *s\n", "a '<<' merge needs a mapping"),
    "second document": ("a: 1\n---\nb: 2\n", "holds a second YAML document"),
    "syntax error": ("a: [1,\n", "YAML syntax error"),
    "control character": ("a: 1\nb: x\x00\n", "not YAML: unacceptable character"),
    "undefined alias": ("a: *nowhere\n", "YAML syntax error"),
    "long scalar": ("a: " + "x" * (1024 * 1024 + 1) + "\n", "a YAML value longer than 1 MiB"),
    "impossible date": ("a: 2026-02-30\n", "cannot read this value: day is out of range"),
    "huge file": ("a: 1\n# " + "x" * (8 * 1024 * 1024) + "\n", "larger than 8 MiB"),
}


def _outcome(parsed: ParsedFile) -> tuple[str, list[str]]:
    return repr(parsed.data), [problem.render() for problem in parsed.diagnostics]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_refused_as_the_located_loader_refuses_it(name: str) -> None:
    text, message = HOSTILE[name]
    fast = load_yaml(text, "h.yaml")
    assert _outcome(fast) == _outcome(parse_yaml(text, "h.yaml"))
    assert any(message in problem.message for problem in fast.diagnostics), fast.diagnostics


ACCEPTED_SPECIALLY = [
    "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n",  # merge, explicit key wins
    "ws: &ws [a, b]\nother: *ws\n",  # an ordinary alias
    "a: !!binary aGk=\n? !!binary aGk=\n: 1\n",  # explicit tags
    "a: !!set {x, y}\nb: !!omap [{x: 1}]\n",  # tagged collections become plain data
    "a: 2026-07-15\nb: 2026-07-15T10:00:00Z\n",  # timestamps
    "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",  # just within the bound
    "a: !!str 1\nb: '1'\nc: 1\nd: 0x1F\ne: 1_000\nf: .inf\ng: ~\nh: yes\ni: Off\nj: =\n",
    "",
    "# only a comment\n",
    "---\n",
]


@pytest.mark.parametrize("text", ACCEPTED_SPECIALLY)
def test_special_but_valid_yaml_gives_the_same_data(text: str) -> None:
    assert _outcome(load_yaml(text, "s.yaml")) == _outcome(parse_yaml(text, "s.yaml"))


def test_ordinary_yaml_stays_on_the_fast_path_and_is_located_on_demand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "rules:\n  - name: deploy\n    match:\n      claims: {owner: acme}\n"
    located = []
    original = plain_yaml.parse_yaml

    def counting(text: str, file: str, *, rendered: bool = False) -> ParsedFile:
        located.append(file)
        return original(text, file, rendered=rendered)

    monkeypatch.setattr(plain_yaml, "parse_yaml", counting)
    fast = load_yaml(text, "r.yaml", rendered=True)
    assert located == []
    assert fast.data == {"rules": [{"name": "deploy", "match": {"claims": {"owner": "acme"}}}]}
    reference = parse_yaml(text, "r.yaml", rendered=True).locations
    path = ("rules", 0, "match", "claims", "owner")
    assert fast.locations.value_at(path) == reference.value_at(path)
    assert fast.locations.key_at(("rules", 0, "match")) == reference.key_at(("rules", 0, "match"))
    assert dict(fast.locations.values) == dict(reference.values)
    assert dict(fast.locations.keys) == dict(reference.keys)


def test_a_file_with_an_anchor_falls_back_only_when_it_uses_an_alias() -> None:
    text = "a: '&x'\nb: '*y'\nc: 'p && q'\n"  # anchor and alias characters, no alias
    assert load_yaml(text, "q.yaml").data == {"a": "&x", "b": "*y", "c": "p && q"}


# Generated YAML: plain data dumped in several styles, and text assembled from fragments
# that touch the resolver's corners (YAML 1.1 booleans, octal, sexagesimal, tags, aliases).
_SCALARS = st.one_of(
    st.text(string.printable, max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_KEYS = st.one_of(st.text(string.ascii_letters + "-_ ", max_size=8), st.integers(-5, 5))
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=30,
)
_FRAGMENTS = st.sampled_from(
    [
        "yes", "No", "on", "OFF", "y", "n", "~", "null", "0o17", "017", "0x1f", "1_0",
        "190:20:30", "-.inf", ".NaN", "1e3", "2026-07-15", "'q'", '"d\\n"', "!!str 5",
        "!!int '7'", "&a x", "*a", "<<", "=", "[1, 2]", "{k: v}", "a: b", "- c", "? k",
        "", "x y", "#c", "|\n  t", ">-\n  f", "!t v", "!!binary aGk=", "&b [1]", "*b",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DATA, st.sampled_from([None, True, False]))
def test_generated_data_reads_the_same_on_both_paths(data: object, flow: bool | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert _outcome(load_yaml(text, "g.yaml")) == _outcome(parse_yaml(text, "g.yaml"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.text("abk", max_size=2), _FRAGMENTS), max_size=8))
def test_generated_text_reads_the_same_on_both_paths(lines: list[tuple[int, str, str]]) -> None:
    text = "".join(f"{'  ' * indent}{key}: {value}\n" for indent, key, value in lines)
    assert _outcome(load_yaml(text, "t.yaml")) == _outcome(parse_yaml(text, "t.yaml"))

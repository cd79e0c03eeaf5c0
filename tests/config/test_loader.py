from fedctl.config.located_yaml import format_path, parse_yaml
from fedctl.core.errors import Location

TEXT = """\
rules:
  - name: deploy
    match:
      claims: {owner: acme}
    workspaces: [prod, staging]
"""


def test_every_node_has_a_location() -> None:
    parsed = parse_yaml(TEXT, "r.yaml")
    values = parsed.locations.values
    assert parsed.data == {
        "rules": [
            {
                "name": "deploy",
                "match": {"claims": {"owner": "acme"}},
                "workspaces": ["prod", "staging"],
            }
        ]
    }
    assert values[("rules", 0, "name")] == Location("r.yaml", 2, 11)
    assert values[("rules", 0, "match", "claims", "owner")] == Location("r.yaml", 4, 23)
    assert values[("rules", 0, "workspaces", 1)] == Location("r.yaml", 5, 24)
    assert parsed.locations.keys[("rules", 0, "match")] == Location("r.yaml", 3, 5)


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    parsed = parse_yaml(TEXT, "r.yaml")
    assert parsed.locations.value_at(("rules", 0, "match", "condition")) == Location("r.yaml", 4, 7)


def test_duplicate_keys_are_errors_with_both_places() -> None:
    parsed = parse_yaml("a: 1\nb: 2\na: 3\n", "d.yaml")
    assert [d.render() for d in parsed.diagnostics] == [
        'd.yaml:3:1: a: duplicate key "a"; it is already set at d.yaml:1:1'
    ]
    assert parsed.data == {"a": 1, "b": 2}


def test_rendered_locations_say_so() -> None:
    parsed = parse_yaml("a: 1\n", "t.yaml.j2", rendered=True)
    assert str(parsed.locations.values[("a",)]) == "t.yaml.j2:1:4 (in the rendered template)"


def test_merge_keys_explicit_wins() -> None:
    parsed = parse_yaml("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n", "m.yaml")
    assert parsed.diagnostics == []
    assert parsed.data == {"base": {"x": 1, "y": 2}, "item": {"y": 3, "x": 1}}


def test_recursive_alias_is_a_diagnostic_not_a_crash() -> None:
    parsed = parse_yaml("a: &x [1, *x]\n", "r.yaml")
    assert [d.message for d in parsed.diagnostics] == ["refers to itself through a YAML alias"]


def test_syntax_error_is_located() -> None:
    parsed = parse_yaml("a: [1,\n", "s.yaml")
    (problem,) = parsed.diagnostics
    assert problem.location == Location("s.yaml", 2, 1)
    assert problem.message.startswith("YAML syntax error: ")


def test_control_character_is_one_located_line() -> None:
    parsed = parse_yaml("a: 1\nb: x\x00\n", "c.yaml")
    (problem,) = parsed.diagnostics
    assert problem.render() == (
        "c.yaml:2:5: not YAML: unacceptable character #x0000: special characters are not "
        "allowed; YAML text cannot hold this character: remove it"
    )


def test_empty_file_is_none_and_second_document_is_an_error() -> None:
    assert parse_yaml("", "e.yaml").data is None
    parsed = parse_yaml("a: 1\n---\nb: 2\n", "two.yaml")
    assert [d.render() for d in parsed.diagnostics] == [
        "two.yaml:3:1: holds a second YAML document; put one document per file"
    ]


def test_complex_keys_are_refused() -> None:
    parsed = parse_yaml("? [a, b]\n: 1\n", "k.yaml")
    assert [d.message for d in parsed.diagnostics] == [
        "a mapping key must be a plain value, not a list or map"
    ]


def test_format_path() -> None:
    assert format_path(("rules", 2, "match", "subject_prefix")) == "rules[2].match.subject_prefix"
    assert format_path(()) == ""

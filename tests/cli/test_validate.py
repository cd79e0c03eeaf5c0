import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fedctl.cli.main import cli

EXAMPLES = Path(__file__).parents[2] / "examples"


def _write(folder: Path, text: str) -> Path:
    target = folder / "fedctl.yaml"
    target.write_text(text)
    return target


def test_valid_examples_exit_zero() -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES / "github-actions")])
    *warnings, summary = result.output.splitlines()
    assert (result.exit_code, summary) == (
        0,
        "Valid: 4 files, 2 service accounts, 1 issuer, 5 rules (4 warnings).",
    )
    # The example also declares fedctl's own Console-made org:admin rules (issue 26).
    assert len(warnings) == 4
    assert all('"org:admin" is Console-managed' in line for line in warnings)


def test_invalid_prints_each_line_then_a_count(tmp_path: Path) -> None:
    target = _write(tmp_path, "service_accounts:\n  - name: A\n  - nme: b\n")
    result = CliRunner().invoke(cli, ["validate", str(target)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f'{target}:2:11: service_account/"A": service_accounts[0].name: "A" is not a valid '
        'name; use 1-255 characters of a-z, 0-9 and "-", e.g. "ci-deployer"',
        # The misspelt key is one mistake: its "name is required" twin is not repeated.
        f'{target}:3:5: service_accounts[1].nme: unknown key "nme"; did you mean "name"?',
        "2 errors found; the configuration is not valid.",
    ]


def test_missing_key_without_a_lookalike_is_still_required(tmp_path: Path) -> None:
    target = _write(tmp_path, "service_accounts:\n  - description: x\n    colour: red\n")
    result = CliRunner().invoke(cli, ["validate", str(target)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"{target}:2:5: service_accounts[0].name: is required",
        f'{target}:3:5: service_accounts[0].colour: unknown key "colour"; expected one of: '
        "description, lint, name, organization_role, previous_names, workspaces",
    ]


def test_json_output_is_a_list_of_diagnostics(tmp_path: Path) -> None:
    target = _write(tmp_path, "rules:\n  - name: r\n")
    result = CliRunner().invoke(cli, ["validate", str(target), "--format", "json"])
    assert result.exit_code == 1
    diagnostics = json.loads(result.output)
    assert diagnostics[0] == {
        "severity": "error",
        "code": "missing-key",
        "file": str(target),
        "line": 2,
        "column": 5,
        "rendered_template": False,
        "path": "rules[0].issuer",
        "resource": "rule/r",
        "message": "is required",
    }
    assert [d["path"] for d in diagnostics] == [
        "rules[0].issuer",
        "rules[0].match",
        "rules[0].oauth_scope",
        "rules[0].service_account",
    ]


def test_json_output_when_valid_is_empty_list() -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES / "quickstart"), "--format", "json"])
    assert (result.exit_code, json.loads(result.output)) == (0, [])


def test_missing_path_is_one_diagnostic(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path / 'nope'}: no such file or directory; give a YAML file or a folder\n"
        "1 error found; the configuration is not valid.\n"
    )


def test_var_and_var_file_reach_templates(tmp_path: Path) -> None:
    (tmp_path / "sa.yaml.j2").write_text("service_accounts:\n  - name: {{ team }}-{{ env }}\n")
    (tmp_path / "vars.yaml").write_text("team: payments\nenv: staging\n")
    args = ["validate", str(tmp_path / "sa.yaml.j2"), "--var-file", str(tmp_path / "vars.yaml")]
    result = CliRunner().invoke(cli, [*args, "--var", "env=prod"])
    assert (result.exit_code, result.output) == (
        0,
        "Valid: 1 file, 1 service account, 0 issuers, 0 rules.\n",
    )


def test_malformed_var_goes_through_the_error_boundary(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES / "quickstart"), "--var", "oops"])
    assert result.exit_code == 1
    assert result.output == 'error: --var "oops": expected KEY=VALUE, e.g. --var env=production\n'


def test_schema_command_writes_the_committed_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    written = (tmp_path / "out" / "fedctl-config.schema.json").read_text()
    committed = (EXAMPLES.parent / "schemas" / "fedctl-config.schema.json").read_text()
    assert written == committed
    plan_written = (tmp_path / "out" / "plan.schema.json").read_text()
    assert plan_written == (EXAMPLES.parent / "schemas" / "plan.schema.json").read_text()
    assert result.output == (
        f"wrote {tmp_path / 'out' / 'fedctl-config.schema.json'}\n"
        f"wrote {tmp_path / 'out' / 'plan.schema.json'}\n"
    )


def test_schema_without_out_prints_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    committed = (EXAMPLES.parent / "schemas" / "fedctl-config.schema.json").read_text()
    assert result.output == committed
    assert list(here.iterdir()) == []
    result = CliRunner().invoke(cli, ["schema", "--plan"])
    assert result.output == (EXAMPLES.parent / "schemas" / "plan.schema.json").read_text()
    assert list(here.iterdir()) == []


# --- property: any YAML, any field values -> clean exit 0/1, never a traceback -----------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "*",
            "",
            "true",
            "https://10.0.0.1",
            "http://x",
            "default",
            "wrkspc_01x",
            "org:admin",
            "claims.x ==",
            'claims.a == "b"',
            "inline",
            "discovery",
            "explicit_url",
            "A_B",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)
KEYS = {
    "service_accounts": [
        "name",
        "description",
        "organization_role",
        "workspaces",
        "previous_names",
    ],
    "issuers": ["name", "issuer_url", "jwks", "max_jwt_lifetime_seconds", "check_jti"],
    "rules": [
        "name",
        "issuer",
        "service_account",
        "match",
        "oauth_scope",
        "workspaces",
        "applies_to_all_workspaces",
        "token_lifetime_seconds",
        "description",
    ],
}


@st.composite
def near_valid_documents(draw: st.DrawFn) -> object:
    document: dict[str, object] = {}
    for section, keys in KEYS.items():
        items = []
        for _ in range(draw(st.integers(0, 2))):
            chosen = draw(st.lists(st.sampled_from(keys), unique=True))
            items.append({key: draw(VALUES) for key in chosen})
        document[section] = items
    if draw(st.booleans()):
        document[draw(st.sampled_from(["version", "organization_id", "settings", "extra"]))] = draw(
            VALUES
        )
    return document


def _assert_clean(result_text: str, exit_code: int, exception: BaseException | None) -> None:
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert exit_code in (0, 1)
    assert "Traceback" not in result_text
    if exit_code == 1:
        assert "found; the configuration is not valid." in result_text.splitlines()[-1]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=st.one_of(VALUES, near_valid_documents()))
def test_random_yaml_gives_diagnostics_never_a_traceback(tmp_path: Path, document: object) -> None:
    target = _write(tmp_path, yaml.safe_dump(document, allow_unicode=True))
    result = CliRunner().invoke(cli, ["validate", str(target)])
    _assert_clean(result.output, result.exit_code, result.exception)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}\n *&!|>'\"%@`#,?0.")), max_size=60))
def test_random_text_gives_diagnostics_never_a_traceback(tmp_path: Path, text: str) -> None:
    target = _write(tmp_path, text)
    result = CliRunner().invoke(cli, ["validate", str(target), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1)
    assert isinstance(json.loads(result.output), list)


def test_non_text_keys_and_values_are_named(tmp_path: Path) -> None:
    target = _write(
        tmp_path,
        "1: x\nservice_accounts:\n  - name: s\n    description: 2024-01-01\n",
    )
    result = CliRunner().invoke(cli, ["validate", str(target)])
    assert result.output.splitlines() == [
        f"{target}:1:1: 1: key 1 must be text; quote it",
        f"{target}:4:18: service_account/s: service_accounts[0].description: must be text, "
        "not a YAML date",
        "2 errors found; the configuration is not valid.",
    ]


def test_every_diagnostic_of_every_scenario_has_a_code_and_names_its_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenarios = Path(__file__).parents[1] / "scenarios" / "validate"
    seen = 0
    unnamed: list[str] = []
    for folder in sorted(entry for entry in scenarios.iterdir() if entry.is_dir()):
        monkeypatch.chdir(folder)
        result = CliRunner().invoke(cli, ["validate", "config", "--format", "json"])
        for diagnostic in json.loads(result.output):
            seen += 1
            assert diagnostic["code"], diagnostic
            path = diagnostic["path"]
            if path.startswith(("rules[", "issuers[", "service_accounts[")):
                kind = {"r": "rule/", "i": "issuer/", "s": "service_account/"}[path[0]]
                if diagnostic["resource"]:
                    assert diagnostic["resource"].startswith(kind), diagnostic
                else:
                    unnamed.append(f"{folder.name}: {path}")
    assert seen > 50
    # Only resources whose name is missing or not text go unnamed.
    assert unnamed == UNNAMED


UNNAMED = [
    "name-pattern-and-length: service_accounts[1].name",  # name: ''
    "wrong-types: issuers[0].name",  # name: 5
    "wrong-types: issuers[0].check_jti",
    "wrong-types: issuers[0].jwks",
    "wrong-types: rules[0]",  # rules: a mapping, not a list
]

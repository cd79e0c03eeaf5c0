"""The configuration example of the language reference (docs/configuration.md) is valid."""

import re
from pathlib import Path

from fedctl.config import load_config

REFERENCE = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_readme_config_example_validates(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", REFERENCE.read_text(), re.DOTALL)
    assert example is not None
    (tmp_path / "fedctl.yaml").write_text(example.group(1))
    config = load_config(tmp_path / "fedctl.yaml")
    assert [rule.name for rule in config.rules] == ["deploy-main"]
    assert config.warnings == []

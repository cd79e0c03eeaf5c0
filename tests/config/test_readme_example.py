"""The configuration example in the README is a valid configuration."""

import re
from pathlib import Path

from fedctl.config import load_config

README = Path(__file__).parents[2] / "README.md"


def test_readme_config_example_validates(tmp_path: Path) -> None:
    section = README.read_text().split("\n## Configuration language\n", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert example is not None
    (tmp_path / "fedctl.yaml").write_text(example.group(1))
    config = load_config(tmp_path / "fedctl.yaml")
    assert [rule.name for rule in config.rules] == ["deploy-main"]
    assert config.warnings == []

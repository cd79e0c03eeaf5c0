"""Optional: Mermaid's own parser (`mermaid.parse`, under Node) reads every flowchart the
suite checks structurally. No maintained Mermaid parser installs with pip, so this runs
only when FEDCTL_MERMAID_MODULES names a node_modules folder holding `mermaid` and
`jsdom` (`npm install mermaid@11 jsdom`); the structural check always runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fedctl.graph.plan import render_plan_graph_markdown
from tests.graph.test_graph import hostile_graph_text
from tests.support.golden import GOLDEN_DIR
from tests.support.showcase import showcase_plan

MODULES = os.environ.get("FEDCTL_MERMAID_MODULES", "")
SCRIPT = """\
import { JSDOM } from 'jsdom';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window; globalThis.document = dom.window.document;
const mermaid = (await import('mermaid')).default;
import fs from 'fs';
for (const file of process.argv.slice(2)) {
  try { await mermaid.parse(fs.readFileSync(file, 'utf8')); }
  catch (error) { console.log(file + ': ' + error.message); process.exitCode = 1; }
}
"""

pytestmark = pytest.mark.skipif(
    not (MODULES and (Path(MODULES) / "mermaid").is_dir() and shutil.which("node")),
    reason="set FEDCTL_MERMAID_MODULES to a node_modules folder with mermaid and jsdom",
)


def test_mermaid_parses_every_flowchart_fedctl_writes(tmp_path: Path) -> None:
    # Node resolves bare imports from the script's folder upwards.
    (tmp_path / "node_modules").symlink_to(Path(MODULES).resolve())
    script = tmp_path / "parse.mjs"
    script.write_text(SCRIPT)
    files = sorted(GOLDEN_DIR.glob("graph/*.mmd"))
    charts = {"hostile.mmd": hostile_graph_text()[0]}
    section = render_plan_graph_markdown(showcase_plan())
    assert section is not None
    charts["plan.mmd"] = section.split("```mermaid\n", 1)[1].split("```", 1)[0]
    for name, text in charts.items():
        (tmp_path / name).write_text(text)
        files.append(tmp_path / name)
    result = subprocess.run(
        ["node", str(script), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""The package's layout holds: the layers of pyproject.toml (import-linter), imports at the top of
modules unless a comment says why, and ARCHITECTURE.md names every module there is."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "generator"


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if "scaffold" not in p.relative_to(PACKAGE).parts[:1] and p.name != "__init__.py"
                  and p.name != "__main__.py")


def test_the_layers_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        lint = shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency (pip install -e '.[test]')"
    proc = subprocess.run([str(lint), "--config", str(REPO / "pyproject.toml")], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def test_imports_of_the_package_inside_functions_say_why():
    unexplained = []
    for path in modules():
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("generator"):
                    line = lines[inner.lineno - 1]
                    if "#" not in line and not lines[inner.lineno - 2].strip().startswith("#"):
                        unexplained.append(f"{path.relative_to(REPO)}:{inner.lineno}: {line.strip()}")
    assert not unexplained, "\n".join(unexplained)


def test_architecture_md_names_every_module():
    text = (REPO / "ARCHITECTURE.md").read_text("utf-8")
    missing = [p.relative_to(PACKAGE).as_posix() for p in modules() if p.name not in text]
    assert not missing, f"ARCHITECTURE.md does not mention: {missing}"
    for folder in ("commands", "pipeline", "formats", "i18n", "engine"):
        assert re.search(rf"^  {folder}/", text, re.M), folder


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_has_one_job_and_says_which(path):
    tree = ast.parse(path.read_text("utf-8"))
    assert ast.get_docstring(tree), f"{path.relative_to(REPO)} has no docstring saying what it does"
    assert len(path.read_text("utf-8").splitlines()) <= 600, f"{path.relative_to(REPO)} is over 600 lines"


def test_architecture_md_shows_the_layers_pyproject_enforces():
    """The order is written once, in pyproject.toml; ARCHITECTURE.md shows it and must agree."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    layers = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"][
        "contracts"][0]["layers"]
    text = (REPO / "ARCHITECTURE.md").read_text("utf-8")
    shown = text.split("## The layers", 1)[1].split("```", 2)[1].strip().splitlines()
    assert shown == [layer.replace("generator.", "") for layer in layers]

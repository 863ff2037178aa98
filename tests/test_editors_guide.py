"""docs/editors.md tells the truth: its examples pass kb check in the demo, and the error lines it
shows are the ones kb check prints for those mistakes."""

from __future__ import annotations

import re
import shutil

from conftest import REPO

GUIDE = (REPO / "docs" / "editors.md").read_text("utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", GUIDE, re.M | re.S)


def _demo_copy(demo_root, tmp_path):
    root = tmp_path / "demo"
    root.mkdir()
    for name in ("catalog", "articles"):
        shutil.copytree(demo_root / name, root / name)
    shutil.copy(demo_root / "mkdocs.yml", root / "mkdocs.yml")
    return root


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() + result.stdout.splitlines()
            if re.match(r"^\S+:\d+:\d+: ", line) and ": warning: " not in line]


def test_the_guides_examples_pass_kb_check(demo_root, tmp_path, kb):
    root = _demo_copy(demo_root, tmp_path)
    yaml_blocks = _blocks("yaml")
    service = next(b for b in yaml_blocks if b.startswith("# yaml-language-server") and "name:" in b)
    (root / "catalog/services/pothole-repair.yaml").write_text(service, "utf-8")
    article = next(b for b in _blocks("markdown") if b.startswith("---\ntitle:"))
    (root / "articles/guide-example.md").write_text(article, "utf-8")
    flow = next(b for b in yaml_blocks if b.startswith("flow:"))
    (root / "articles/guide-flow.md").write_text(
        "---\ntitle: Flow example\n" + flow + "---\nBody.\n", "utf-8")
    blocks = next(b for b in _blocks("markdown") if "!!! say" in b)
    (root / "articles/guide-blocks.md").write_text("---\ntitle: Blocks\n---\n" + blocks, "utf-8")
    result = kb("check", "--root", root)
    assert result.exit_code == 0, result.output
    assert _errors(result) == []


def test_the_error_lines_in_the_guide_are_what_kb_check_prints(demo_root, tmp_path, kb):
    root = _demo_copy(demo_root, tmp_path)
    edits = [("catalog/services/pothole-repair.yaml", "department: public-works", "department: public-work"),
             ("catalog/services/sidewalk-repair.yaml", "unit: business_days}", "unit: workdays}"),
             ("articles/missed-garbage-pickup.md", "[Missed recycling](service:missed-recycling-pickup)",
              "[Missed recycling](service:missed-recyling-pickup)"),
             ("articles/missed-garbage-pickup.md", "next: garbage}", "next: garbge}")]
    for rel, old, new in edits:
        path = root / rel
        text = path.read_text("utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), "utf-8")
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    printed = set(_errors(result))
    shown = [line for line in _blocks("text")[0].splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert len(shown) == 5
    for line in shown:
        assert line in printed

"""kb init: a city's content repository, ready for git, its editors and its forge.

The wheel-to-website path (a fresh environment, the README's commands on a fresh clone, the
pre-commit hook) is tests/test_wheel.py; these tests run kb from the checkout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import REPO, write_tree
from gitrepo import Repo

from generator import __version__

DATA = Path(__file__).parent / "data" / "open311"
CI_FILES = {"github": {".github/workflows/kb-check.yml": "github/kb-check.yml",
                       ".github/workflows/kb-publish.yml": "github/kb-publish.yml"},
            "gitlab": {".gitlab-ci.yml": "gitlab/.gitlab-ci.yml"},
            "none": {}}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}


def test_a_new_repository_has_what_git_editors_and_ci_need(kb, tmp_path):
    root = tmp_path / "springfield"
    result = kb("init", root, "--city", "Springfield", "--lang", "en", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert f"Created {root} with kb {__version__}" in result.stderr
    assert sorted(tree(root)) == [
        ".github/workflows/kb-check.yml", ".github/workflows/kb-publish.yml", ".gitignore",
        ".pre-commit-config.yaml", "README.md", "articles/.gitkeep", "catalog/alerts/.gitkeep",
        "catalog/calendar.yaml", "catalog/departments/contact-centre.yaml",
        "catalog/services/.gitkeep", "guides/editors.md", "guides/plain-language.md", "guides/security.md",
        "guides/translators.md", "mkdocs.yml", "requirements.txt", "theme/README.md",
        "translations/.gitkeep"]
    pins = [line for line in (root / "requirements.txt").read_text("utf-8").splitlines()
            if line and not line.startswith("#")]
    assert pins == [f"kb311=={__version__}"]
    readme = (root / "README.md").read_text("utf-8")
    assert readme.startswith("# Springfield 311: services and answers\n")
    assert "{{" not in readme and "{%" not in readme
    assert kb("check", "--root", root).exit_code == 0
    # git keeps out what a build and an editor's set-up write, and keeps everything kb init wrote.
    Repo(root)
    ignored = ["site/public/index.html", "site/agent/en/index.html", "site/.kb-cache/x",
               ".venv/bin/kb", "catalog/__pycache__/x.pyc"]
    check = Repo(root).git("check-ignore", *ignored, *tree(root), check=False)
    assert check.stdout.split() == ignored


@pytest.mark.parametrize("ci", ["github", "gitlab", "none"])
def test_ci_files_are_kbs_own_workflows_byte_for_byte(kb, tmp_path, ci):
    root = tmp_path / ci
    assert kb("init", root, "--ci", ci).exit_code == 0
    written = {rel for rel in tree(root) if rel.startswith((".github/", ".gitlab"))}
    assert written == set(CI_FILES[ci])
    for rel, source in CI_FILES[ci].items():
        assert (root / rel).read_bytes() == (REPO / "docs/workflows" / source).read_bytes()
    readme = (root / "README.md").read_text("utf-8")
    for rel in CI_FILES[ci]:
        assert f"`{rel}`" in readme  # the README says which file runs the checks
    for path in CI_FILES[ci]:  # kb comes from the version the repository pins
        text = (root / path).read_text("utf-8")
        assert "pip install -r requirements.txt" in text or \
            "pip install --quiet -r requirements.txt" in text
        assert "KB_PACKAGE" not in text and "kb311" not in text


def test_the_guides_are_kbs_own_and_every_link_leads_somewhere(kb, tmp_path):
    root = tmp_path / "city"
    assert kb("init", root).exit_code == 0
    for name in ("editors.md", "translators.md", "security.md"):
        assert (root / "guides" / name).read_bytes() == (REPO / "docs" / name).read_bytes()
    for doc in [root / "README.md", *sorted((root / "guides").glob("*.md"))]:
        text = doc.read_text("utf-8")
        links = re.findall(r"\]\(([^)\s]+)\)", text)
        local = [l for l in links if not re.match(r"[a-z]+:", l) and not l.startswith("#")]
        for link in local:
            assert (doc.parent / link.split("#")[0]).exists(), (doc.name, link)
    readme = (root / "README.md").read_text("utf-8")
    assert "(guides/editors.md)" in readme and "(guides/translators.md)" in readme


def test_the_pre_commit_check_is_the_published_kb_check_hook(kb, tmp_path):
    root = tmp_path / "city"
    assert kb("init", root).exit_code == 0
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text("utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"  # no network needed to run it
    [hook] = repo["hooks"]
    published = next(h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
                     if h["id"] == "kb-check")
    for key in ("id", "name", "files", "pass_filenames", "require_serial"):
        assert hook[key] == published[key], key
    assert hook["language"] == "system" and "kb check" in hook["entry"]


def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(kb, tmp_path):
    root = write_tree(tmp_path / "city", {"README.md": "Our notes.\n", "mkdocs.yml": "site_name: x\n"})
    before = tree(root)
    result = kb("init", root)
    assert result.exit_code == 1
    assert (f"Error: {root} is not empty (README.md, mkdocs.yml); kb init starts new repositories "
            "and wrote nothing. Choose a new or empty folder, or add --force to write into this "
            "one: it replaces the 2 files of the same names kb init writes (mkdocs.yml among "
            "them) and keeps every other file") in result.output
    assert tree(root) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city"]  # no staging folder left

    write_tree(root, {"notes/meeting.md": "Keep me.\n"})
    result = kb("init", root, "--force", "--city", "Lakeside")
    assert result.exit_code == 0, result.output
    assert (root / "notes/meeting.md").read_text("utf-8") == "Keep me.\n"
    assert "Lakeside 311" in (root / "mkdocs.yml").read_text("utf-8")
    assert (root / "README.md").read_text("utf-8").startswith("# Lakeside 311")


def test_a_folder_holding_only_a_git_repository_counts_as_empty(kb, tmp_path):
    Repo(tmp_path / "city")  # cloned from an empty repository on the forge
    result = kb("init", tmp_path / "city")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "city/README.md").is_file()


def test_from_open311_starts_the_catalog_in_the_same_step(kb, tmp_path):
    root = tmp_path / "giessen"
    result = kb("init", root, "--city", "Gießen", "--lang", "de", "--ci", "gitlab",
                "--from-open311", DATA / "giessen-services.xml")
    assert result.exit_code == 0, result.output
    services = sorted(p.stem for p in (root / "catalog/services").glob("*.yaml"))
    assert len(services) == 8 and "laterne-defekt" in services
    assert not (root / "catalog/services/.gitkeep").exists()
    assert "8 services from" in result.stderr
    assert "placeholder department 'unassigned'" in result.stderr  # the import's own report
    service = yaml.safe_load((root / "catalog/services/laterne-defekt.yaml").read_text("utf-8"))
    assert service["group"] == "Weitere Anliegen"  # the import read the new site's language
    check = kb("check", "--root", root)
    assert check.exit_code == 0, check.output


def test_an_open311_list_that_cannot_be_read_leaves_nothing_behind(kb, tmp_path):
    bad = write_tree(tmp_path, {"services.json": "{not json"}) / "services.json"
    result = kb("init", tmp_path / "cities/city", "--from-open311", bad)
    assert result.exit_code == 1
    assert "services.json" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["services.json"]


def test_the_changelog_has_an_entry_for_this_version():
    changelog = (REPO / "CHANGELOG.md").read_text("utf-8")
    assert re.search(rf"^## {re.escape(__version__)}\b", changelog, re.M)

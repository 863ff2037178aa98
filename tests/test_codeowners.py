"""kb codeowners: each department reviews its own services and answers, translators their PO file."""

from __future__ import annotations

import shutil

import yaml
from conftest import MKDOCS_YML, REPO, SERVICE2
from gitrepo import Repo

CONFIG = MKDOCS_YML.replace("      - {code: en, name: English}\n", (
    "      - {code: en, name: English}\n"
    "      - {code: es, name: Español}\n"
    "    reviewers: {public-works: \"@testville/streets\", contact-centre: \"@testville/311\"}\n"
    "    translators: {es: \"@testville/spanish\"}\n"))
TREE = {
    "mkdocs.yml": CONFIG,
    "catalog/departments/parks.yaml": "name: Parks\nkind: city\n",
    "catalog/departments/contact-centre.yaml": "name: 311 Contact Centre\nkind: city\n",
    "catalog/services/streetlight-outage.yaml": SERVICE2,  # no owner block: its department's
    "articles/park-hours.md": "---\ntitle: Park hours\nowner: {department: parks}\n---\nDawn to dusk.\n",
    "articles/call-flow.md": "---\ntitle: Call flow\naudience: agent\n"
                             "owner: {department: contact-centre}\n---\nGreet the caller.\n",
}
EXPECTED = """\
# Written by `kb codeowners` from the owner fields of the content and from extra.kb.reviewers
# and extra.kb.translators in mkdocs.yml. Do not edit by hand: change those, then run
# `kb codeowners` again (CI can run `kb codeowners --check`).

# Services
/catalog/services/pothole-repair.yaml @testville/streets
/catalog/services/streetlight-outage.yaml @testville/streets

# Answers
/articles/call-flow.md @testville/311
# /articles/park-hours.md: owner 'parks' has no reviewer in extra.kb.reviewers
# /articles/potholes.md: no owner (add owner: {department: ...})

# Departments
/catalog/departments/contact-centre.yaml @testville/311
# /catalog/departments/parks.yaml: owner 'parks' has no reviewer in extra.kb.reviewers
/catalog/departments/public-works.yaml @testville/streets

# Translations
/translations/es.po @testville/spanish
"""


def test_codeowners_from_owner_fields(make_tree, kb):
    root = make_tree(TREE)
    result = kb("codeowners", "--root", root)
    assert result.exit_code == 0, result.output
    assert (root / "CODEOWNERS").read_text("utf-8") == EXPECTED
    assert result.stderr.splitlines() == [
        f"Wrote {root / 'CODEOWNERS'}",
        "warning: owner 'parks' has no reviewer in mkdocs.yml extra.kb.reviewers (2 files, like "
        "articles/park-hours.md)",
    ]


def test_check_mode_says_when_codeowners_is_out_of_date(make_tree, kb):
    root = make_tree(TREE)
    missing = kb("codeowners", "--root", root, "--check")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == (f"Error: {root / 'CODEOWNERS'} is missing; run "
                                      "'kb codeowners' and commit the result")
    kb("codeowners", "--root", root)
    assert kb("codeowners", "--root", root, "--check").exit_code == 0
    make_tree({"articles/park-hours.md": TREE["articles/park-hours.md"].replace(
        "parks", "public-works")}, base=False)
    stale = kb("codeowners", "--root", root, "--check")
    assert stale.exit_code == 1 and "is out of date" in stale.stderr
    assert (root / "CODEOWNERS").read_text("utf-8") == EXPECTED  # --check writes nothing


def test_without_reviewers_it_says_what_to_add(make_tree, kb):
    root = make_tree()
    result = kb("codeowners", "--root", root)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: mkdocs.yml: extra.kb.reviewers is missing; add the reviewer of each owner "
        "department, like 'reviewers: {public-works: \"@city/public-works\"}'")
    assert not (root / "CODEOWNERS").exists()


def test_content_in_a_subfolder_of_the_repository(tmp_path, kb):
    from conftest import BASE_TREE, write_tree

    Repo(tmp_path / "repo")
    root = write_tree(tmp_path / "repo" / "content", {**BASE_TREE, **TREE})
    result = kb("codeowners", "--root", root, "--output", tmp_path / "repo" / ".github" / "CODEOWNERS")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "repo" / ".github" / "CODEOWNERS").read_text("utf-8")
    assert "/content/catalog/services/pothole-repair.yaml @testville/streets\n" in text
    assert "/content/translations/es.po @testville/spanish\n" in text



def test_codeowners_for_the_demo(tmp_path, kb):
    """The demo city: every service and answer goes to its owner department's reviewer.

    Uses the demo's own extra.kb.reviewers; if the demo has none yet, each department gets a
    team of its own name (as a city would set it up), so the test still checks the whole catalog.
    """
    import pytest

    if not (REPO / "catalog" / "services").is_dir():
        pytest.skip("the demo content (catalog/, articles/) is not in this checkout")
    root = tmp_path / "demo"
    root.mkdir()
    for name in ("catalog", "articles", "translations", "theme"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    kb_cfg = config["extra"]["kb"]
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    if not kb_cfg.get("reviewers"):
        kb_cfg["reviewers"] = {p.stem: f"@riverton/{p.stem}"
                               for p in sorted((root / "catalog" / "departments").glob("*.yaml"))}
        text += "    reviewers:\n" + "".join(f"      {k}: \"{v}\"\n"
                                             for k, v in kb_cfg["reviewers"].items())
    (root / "mkdocs.yml").write_text(text, "utf-8")
    result = kb("codeowners", "--root", root)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr  # every owner of the demo has a reviewer
    lines = dict(line.split(" ", 1) for line in
                 (root / "CODEOWNERS").read_text("utf-8").splitlines()
                 if line and not line.startswith("#"))
    services = sorted((root / "catalog" / "services").glob("*.yaml"))
    articles = sorted((root / "articles").glob("*.md"))
    assert len(services) >= 20 and len(articles) >= 10
    for path in services:
        data = yaml.safe_load(path.read_text("utf-8"))
        owner = (data.get("owner") or {}).get("department") or data["department"]
        assert lines[f"/catalog/services/{path.name}"] == kb_cfg["reviewers"][owner], path.name
    for path in articles:
        front = yaml.safe_load(path.read_text("utf-8").split("---\n")[1])
        owner = (front.get("owner") or {}).get("department")
        if owner:
            assert lines[f"/articles/{path.name}"] == kb_cfg["reviewers"][owner], path.name
        else:
            assert f"/articles/{path.name}" not in lines
    for code, handle in (kb_cfg.get("translators") or {}).items():
        assert lines[f"/translations/{code}.po"] == handle

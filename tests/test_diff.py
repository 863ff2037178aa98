"""kb diff REF: what a change does to the published catalog, per language, with stale translations."""

from __future__ import annotations

import json

import pytest
from conftest import BASE_TREE, MKDOCS_YML, SERVICE
from gitrepo import Repo

CONFIG = MKDOCS_YML.replace("      - {code: en, name: English}\n", (
    "      - {code: en, name: English}\n"
    "      - {code: es, name: Español}\n"
    "      - {code: so, name: Soomaali}\n"))
ES_PO = '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"

msgid "Pothole repair"
msgstr "Reparación de baches"

msgid "Report a pothole on a city street so a crew can fill it."
msgstr "Informe de un bache en una calle para que un equipo lo rellene."

msgid "Streetlight outage"
msgstr "Farola apagada"
'''
SO_PO = '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: so\\n"

msgid "Pothole repair"
msgstr "Dayactirka godadka"
'''
NEW_SUMMARY = "Report a pothole on a city street; a crew fills it within three days."


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "city")
    r.commit({**BASE_TREE, "mkdocs.yml": CONFIG, "translations/es.po": ES_PO,
              "translations/so.po": SO_PO}, "Start", "2026-09-01T10:00:00Z")
    return r


def test_one_changed_service_and_the_translations_it_made_stale(repo, kb):
    from conftest import write_tree

    write_tree(repo.root, {"catalog/services/pothole-repair.yaml": SERVICE.replace(
        "Report a pothole on a city street so a crew can fill it.", NEW_SUMMARY)})
    result = kb("diff", "HEAD", "--root", repo.root)
    assert result.exit_code == 0, result.output
    commit = repo.git("rev-parse", "HEAD").stdout.strip()
    assert result.stdout.splitlines() == [
        f"Changes since HEAD ({commit[:10]}), as published:",
        "",
        "English (en), the source language",
        "  ~ changed: Pothole repair (service pothole-repair, both sites)  "
        "catalog/services/pothole-repair.yaml",
        "      residents see: summary",
        "",
        "Español (es)",
        "  ~ changed: Reparación de baches (service pothole-repair, both sites)  "
        "catalog/services/pothole-repair.yaml",
        "      residents see: summary",
        "      translation made stale: summary",
        "",
        "Soomaali (so)",
        "  ~ changed: Dayactirka godadka (service pothole-repair, both sites)  "
        "catalog/services/pothole-repair.yaml",
        "      residents see: summary",
        "      not translated yet: summary",
        "",
        "Translations made stale: es: pothole-repair (summary)",
    ]
    data = json.loads(kb("diff", "HEAD", "--root", repo.root, "--format", "json").stdout)
    assert data["commit"] == commit and data["source"] == "en"
    assert data["stale"] == [{"lang": "es", "kind": "service", "id": "pothole-repair",
                              "fields": ["summary"]}]
    (es_change,) = data["languages"]["es"]["changes"]
    assert es_change == {
        "kind": "service", "id": "pothole-repair", "path": "catalog/services/pothole-repair.yaml",
        "title": "Reparación de baches", "change": "changed",
        "sites": {"public": "changed", "agent": "changed"},
        "fields": [{"field": "summary", "site": "public"}], "stale": ["summary"],
        "untranslated": [], "translated": []}
    assert [len(lang["changes"]) for lang in data["languages"].values()] == [1, 1, 1]


def test_a_change_translated_in_the_same_commit_is_not_stale(repo, kb):
    from conftest import write_tree

    write_tree(repo.root, {
        "catalog/services/pothole-repair.yaml": SERVICE.replace(
            "Report a pothole on a city street so a crew can fill it.", NEW_SUMMARY),
        "translations/es.po": ES_PO + f'\nmsgid "{NEW_SUMMARY}"\nmsgstr "Informe de un bache."\n',
    })
    data = json.loads(kb("diff", "HEAD", "--root", repo.root, "--format", "json").stdout)
    assert data["stale"] == []
    (es_change,) = data["languages"]["es"]["changes"]
    assert es_change["stale"] == [] and es_change["fields"] == [{"field": "summary", "site": "public"}]


def test_added_removed_agent_only_and_translation_only_changes(repo, kb):
    repo.commit({"catalog/services/streetlight-outage.yaml": None,
                 "articles/call-flow.md": "---\ntitle: Call flow\naudience: agent\n---\nGreet.\n",
                 "catalog/services/pothole-repair.yaml": SERVICE.replace(
                     "I can take that report.", "I can take that report now.").replace(
                     "related: [streetlight-outage]\n", "").replace(
                     "See [streetlights](service:streetlight-outage).", ""),
                 "translations/so.po": SO_PO.replace("Dayactirka godadka", "Hagaajinta godadka")},
                "Second", "2026-09-02T10:00:00Z")
    data = json.loads(kb("diff", "HEAD~1", "--root", repo.root, "--format", "json").stdout)
    en = {(c["id"], c["change"]): c for c in data["languages"]["en"]["changes"]}
    assert set(en) == {("pothole-repair", "changed"), ("call-flow", "added"),
                       ("streetlight-outage", "removed")}
    assert en[("call-flow", "added")]["sites"] == {"public": None, "agent": "added"}
    assert en[("streetlight-outage", "removed")]["title"] == "Streetlight outage"
    assert en[("pothole-repair", "changed")]["fields"] == [
        {"field": "agent.script", "site": "agent"}, {"field": "description", "site": "public"},
        {"field": "related", "site": "public"}]
    es = {(c["id"], c["change"]) for c in data["languages"]["es"]["changes"]}
    assert ("streetlight-outage", "removed") in es
    so = {c["id"]: c for c in data["languages"]["so"]["changes"]}
    assert so["pothole-repair"]["title"] == "Hagaajinta godadka"
    assert so["pothole-repair"]["translated"] == ["name"]  # the translator's own change
    text = kb("diff", "HEAD~1", "--root", repo.root).stdout
    assert "+ added: Call flow (answer call-flow, agent site only)  articles/call-flow.md" in text
    assert "- removed: Streetlight outage (service streetlight-outage, both sites)" in text
    assert "      agents only: agent.script" in text
    assert "      translation updated: name" in text


def test_nothing_changed_and_bad_refs(repo, kb, tmp_path):
    from conftest import write_tree

    same = kb("diff", "HEAD", "--root", repo.root)
    assert same.exit_code == 0
    assert "  no change" in same.stdout and "No translation made stale." in same.stdout
    bad = kb("diff", "no-such-branch", "--root", repo.root)
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "Error: no-such-branch: no such commit, branch or tag in this repository"
    outside = kb("diff", "HEAD", "--root", write_tree(tmp_path / "elsewhere", BASE_TREE))
    assert outside.exit_code == 1 and "not in a git repository" in outside.stderr


def test_broken_working_tree_reports_its_errors(repo, kb):
    from conftest import write_tree

    write_tree(repo.root, {"catalog/services/pothole-repair.yaml": SERVICE.replace(
        "department: public-works", "department: nowhere")})
    result = kb("diff", "HEAD", "--root", repo.root)
    assert result.exit_code == 1
    assert "catalog/services/pothole-repair.yaml:2:13: department: no department 'nowhere'" in result.stderr


def test_a_language_without_a_po_file(repo, kb):
    from conftest import write_tree

    write_tree(repo.root, {
        "mkdocs.yml": CONFIG + "      - {code: fr, name: Français}\n",
        "catalog/services/pothole-repair.yaml": SERVICE.replace(
            "Report a pothole on a city street so a crew can fill it.", NEW_SUMMARY)})
    result = kb("diff", "HEAD", "--root", repo.root)
    assert result.exit_code == 0, result.output
    text = result.stdout
    fr = text[text.index("Français (fr)"):]
    assert fr.splitlines()[:4] == [
        "Français (fr): no translations/fr.po, pages show the source language",
        "  ~ changed: Pothole repair (service pothole-repair, both sites)  "
        "catalog/services/pothole-repair.yaml",
        "      residents see: summary",
        "      not translated yet: summary",
    ]
    assert text.rstrip().endswith("Translations made stale: es: pothole-repair (summary)")

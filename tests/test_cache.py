"""The build cache: a second build reuses what has not changed, renders only the pages a change
reaches, and gives exactly the files a build from nothing gives."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import BASE_TREE, MKDOCS_YML, SERVICE, write_tree

from generator.pipeline import cache
from generator.pipeline.build import build

LANGS = MKDOCS_YML.replace("      - {code: en, name: English}\n",
                           "      - {code: en, name: English}\n      - {code: es, name: Español}\n")
SERVICE3 = ("name: Graffiti removal\ndepartment: public-works\ngroup: Clean streets\n"
            "summary: Report graffiti on public property.\nrelated: [pothole-repair]\n")


def tree_files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def pages(out: Path) -> dict[str, int]:
    """Every page of both sites -> its file (a page not written again keeps its file)."""
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.glob("*/*/**/index.html")}


def run(root: Path, out: Path, **options) -> dict:
    stats: dict[str, float] = {}
    build(root, out, quiet=True, timings=stats, **options)
    return stats


@pytest.fixture
def city(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    root = write_tree(tmp_path / "city", {**BASE_TREE, "mkdocs.yml": LANGS,
                                          "catalog/services/graffiti.yaml": SERVICE3})
    out = tmp_path / "site"
    first = run(root, out)
    assert first["pages rendered"] == first["pages"] > 0
    return root, out, tmp_path


def test_nothing_changed_reuses_every_language(city):
    root, out, _ = city
    before = {aud: tree_files(out / aud) for aud in ("public", "agent")}
    stats = run(root, out)
    assert stats["pages rendered"] == 0 and "render" not in stats and "mkdocs" not in stats
    assert {aud: tree_files(out / aud) for aud in ("public", "agent")} == before


def test_one_changed_service_renders_the_pages_that_show_it_and_matches_a_cold_build(city):
    root, out, tmp = city
    before = pages(out)
    write_tree(root, {"catalog/services/pothole-repair.yaml":
                      SERVICE.replace("so a crew can fill it.", "so a crew can fill it within days.")})
    stats = run(root, out)
    after = pages(out)
    written = {p for p in after if after[p] != before.get(p)}
    assert len(written) == stats["pages rendered"]
    for aud in ("public", "agent"):
        for lang in ("en", "es"):
            # The summary shows on the service, its department, its group, the A to Z, the
            # service that lists it as related and the answer about it...
            assert f"{aud}/{lang}/services/pothole-repair/index.html" in written
            assert f"{aud}/{lang}/services/graffiti/index.html" in written
            assert f"{aud}/{lang}/a-z/index.html" in written
            # ...and nowhere else: these pages are the files of the last build.
            for other in ("index.html", "groups/clean-streets/index.html",
                          "services/streetlight-outage/index.html"):
                assert f"{aud}/{lang}/{other}" not in written
    cold = tmp / "cold"
    run(root, cold, use_cache=False)
    for aud in ("public", "agent"):
        assert tree_files(out / aud) == tree_files(cold / aud), aud
    page = (out / "public" / "es" / "services" / "pothole-repair" / "index.html").read_text("utf-8")
    assert "within days" in page


def test_a_changed_translation_rebuilds_that_language_only(city):
    root, out, tmp = city
    po = root / "translations" / "es.po"
    from click.testing import CliRunner

    from generator.cli import main

    assert CliRunner().invoke(main, ["i18n", "init", "es", "--root", str(root)]).exit_code == 0
    run(root, out)  # the new PO file: Spanish is built again
    text = po.read_text("utf-8").replace('msgid "Pothole repair"\nmsgstr ""',
                                         'msgid "Pothole repair"\nmsgstr "Reparación de baches"')
    po.write_text(text, "utf-8")
    stats = run(root, out)
    manifests = {p.stem: json.loads(p.read_text()) for p in (out / cache.FOLDER).glob("*.json")}
    assert set(manifests) == {"public-en", "public-es", "agent-en", "agent-es"}
    assert 0 < stats["pages rendered"] < stats["pages"] / 2  # English untouched: reused whole
    assert "Reparación de baches" in (out / "public" / "es" / "services" / "pothole-repair"
                                      / "index.html").read_text("utf-8")
    cold = tmp / "cold"
    run(root, cold, use_cache=False)
    assert tree_files(out / "public") == tree_files(cold / "public")


def test_a_theme_change_renders_every_page(city):
    root, out, _ = city
    write_tree(root, {"theme/main.html": '{% extends "base.html" %}\n'
                                         '{% block announce %}Closed on Friday{% endblock %}\n'})
    stats = run(root, out)
    assert stats["pages rendered"] == stats["pages"]
    assert "Closed on Friday" in (out / "public" / "en" / "a-z" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("damage", ["missing", "corrupt", "from another kb"])
def test_a_missing_or_damaged_manifest_means_a_full_build(city, damage):
    root, out, tmp = city
    for path in (out / cache.FOLDER).glob("public-*.json"):
        if damage == "missing":
            path.unlink()
        elif damage == "corrupt":
            path.write_text("{not json", "utf-8")
        else:
            data = json.loads(path.read_text())
            path.write_text(json.dumps({**data, "version": 0}), "utf-8")
    write_tree(root, {"catalog/services/pothole-repair.yaml": SERVICE.replace("Pothole", "Road hole")})
    stats = run(root, out)
    public_pages = stats["pages"] / 2
    assert stats["pages rendered"] >= public_pages
    cold = tmp / "cold"
    run(root, cold, use_cache=False)
    assert tree_files(out / "public") == tree_files(cold / "public")


def test_a_build_of_some_languages_forgets_the_others(city):
    root, out, _ = city
    run(root, out, langs=["es"])
    assert sorted(p.stem for p in (out / cache.FOLDER).glob("*.json")) == ["agent-es", "public-es"]
    assert not (out / "public" / "en").exists()
    stats = run(root, out)
    assert 0 < stats["pages rendered"] < stats["pages"]  # English again; Spanish reused


def test_a_language_built_in_shares_is_the_same_site(tmp_path, monkeypatch):
    """Five languages do not split evenly between two cores: a language's pages are then
    rendered by two mkdocs runs at once. The site is the same, byte for byte."""
    from generator.pipeline import language_build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    root = write_tree(tmp_path / "city", {**BASE_TREE, "mkdocs.yml": LANGS,
                                          "catalog/services/graffiti.yaml": SERVICE3})
    whole = run(root, tmp_path / "whole", audience="public", jobs=1)
    monkeypatch.setattr(language_build, "SHARE_MIN_PAGES", 1)
    shared = run(root, tmp_path / "shared", audience="public", jobs=3)  # 2 languages, 3 jobs
    assert whole["pages rendered"] == shared["pages rendered"] == shared["pages"]
    assert tree_files(tmp_path / "shared" / "public") == tree_files(tmp_path / "whole" / "public")
    write_tree(root, {"catalog/services/pothole-repair.yaml": SERVICE.replace("Pothole", "Road hole")})
    again = run(root, tmp_path / "shared", audience="public", jobs=3)
    assert 0 < again["pages rendered"] < again["pages"]
    run(root, tmp_path / "whole", audience="public", jobs=1)
    assert tree_files(tmp_path / "shared" / "public") == tree_files(tmp_path / "whole" / "public")

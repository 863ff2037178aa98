"""kb new: a new service or article starts with today's review date, not a fixed one."""

from __future__ import annotations

import yaml


def test_new_files_are_reviewed_today_in_the_city_time_zone(kb, make_tree, monkeypatch):
    # 03:00 UTC on 22 September 2026 is still 21 September in Chicago (the site's time zone).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790046000")
    root = make_tree({"catalog/departments/contact-centre.yaml": "name: 311 Contact Center\nkind: city\n"})
    assert kb("new", "service", "leaf-pickup", "--root", root).exit_code == 0
    assert kb("new", "article", "leaf-season", "--root", root).exit_code == 0
    service = yaml.safe_load((root / "catalog/services/leaf-pickup.yaml").read_text("utf-8"))
    article = (root / "articles/leaf-season.md").read_text("utf-8")
    front = yaml.safe_load(article.split("---\n")[1])
    assert str(service["review"]["last_reviewed"]) == "2026-09-21"
    assert str(front["review"]["last_reviewed"]) == "2026-09-21"
    result = kb("check", "--root", root)
    assert result.exit_code == 0, result.output
    assert "review was due" not in result.output + result.stderr


def test_new_without_a_site_config_uses_the_utc_date(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790046000")
    assert kb("new", "article", "draft", "--root", tmp_path).exit_code == 0
    text = (tmp_path / "articles/draft.md").read_text("utf-8")
    assert "last_reviewed: 2026-09-22," in text

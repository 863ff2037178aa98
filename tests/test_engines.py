"""The demo built by each site engine (docs/engines.md): mkdocs (the default), ProperDocs and
Zensical lay out the same pages, and kb's own finishing makes each engine's pages right.

The safety of each engine's pages is held by tests/test_leaks.py and tests/test_injection.py,
whose fixtures build with every engine."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ENGINES

from generator.engine import engines
from generator.errors import KbError

pytestmark = pytest.mark.slow

OTHERS = [e for e in ENGINES if e != engines.DEFAULT]


@pytest.fixture(scope="module", params=OTHERS)
def engine_site(request, demo_root, tmp_path_factory):
    from generator.pipeline.build import build

    out = tmp_path_factory.mktemp(f"demo-{request.param}") / "site"
    build(demo_root, out, quiet=True, engine=request.param)
    return request.param, out


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_every_engine_builds_the_same_pages(engine_site, demo_site):
    engine, site = engine_site
    for audience in ("public", "agent"):
        assert pages(site / audience) == pages(demo_site / audience), (engine, audience)
        # The files for other tools do not depend on the engine at all.
        for rel in ("api/v1/en/catalog.json", "open311/v2/services.json", "api/v1/es/search-index.json",
                    "api/hsds/services.json", "api/hsds/organizations.json", "robots.txt"):
            if (demo_site / audience / rel).exists():
                assert (site / audience / rel).read_bytes() == (demo_site / audience / rel).read_bytes()


def test_every_engines_pages_have_their_language_and_no_marker_left(engine_site, demo_site):
    engine, site = engine_site
    mark = (site / ".kb-cache" / "mark").read_text("ascii").strip()
    checked = 0
    for path in sorted((site / "public").rglob("*.html")):
        text = path.read_text("utf-8")
        assert mark not in text and "<!--kb:" not in text, path
        lang = path.relative_to(site / "public").parts[0]
        if lang == "index.html":
            continue
        html_tag = re.search(r"<html\b[^>]*>", text).group(0)
        assert f'lang="{lang}"' in html_tag, (engine, path, html_tag)
        assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in html_tag, (engine, path, html_tag)
        checked += 1
    assert checked > 300
    # The language switcher's alternates lead to this same page in each language.
    page = (site / "public/es/services/pothole-repair/index.html").read_text("utf-8")
    assert '<link rel="alternate" href="https://311.riverton.example.gov/fr/services/pothole-repair/" hreflang="fr">' in page
    # Right to left, phone numbers keep their order.
    arabic = (site / "public/ar/departments/public-works/index.html").read_text("utf-8")
    assert re.search(r'<span dir="ltr">[+\d][\d .()-]+</span>', arabic)


def test_an_engine_that_is_not_installed_is_named_with_how_to_install_it(monkeypatch, make_tree):
    monkeypatch.setattr(engines, "_command", lambda name: None)
    with pytest.raises(KbError, match=r"zensical is not installed; install it with pip install 'kb311\[zensical\]'"):
        engines.check_installed("zensical")


def test_a_theme_that_drops_the_content_markers_stops_the_build(make_tree, kb):
    """A city's theme may override Material's partials, but a page whose content kb cannot find
    is never published uncleaned."""
    root = make_tree({"theme/partials/content.html": "{{ page.content }}\n"})
    result = kb("build", "--root", str(root), "--lang", "en", "--audience", "public")
    assert result.exit_code != 0
    assert "content markers" in result.output
    assert not (root / "site" / "public").exists()


@pytest.mark.parametrize("engine", OTHERS)
def test_the_preview_builds_with_each_engine_and_after_an_edit(make_tree, tmp_path, engine):
    from generator.commands.serve import Preview

    root = make_tree()
    preview = Preview(root, "en", "public", tmp_path / "work", engine)
    preview.update()
    page = preview.site_dir / "services" / "pothole-repair" / "index.html"
    assert "Pothole repair" in page.read_text("utf-8")
    service = root / "catalog/services/pothole-repair.yaml"
    service.write_text(service.read_text("utf-8").replace("Pothole repair", "Road hole <b>repair</b>"), "utf-8")
    preview.update()
    text = page.read_text("utf-8")
    assert "Road hole &lt;b&gt;repair&lt;/b&gt;" in text and "<b>repair</b>" not in text
    assert "<!--kb:" not in text


def test_every_engines_pages_carry_schema_org_and_sitemaps_with_alternates(engine_site):
    """Plain language, HSDS, JSON-LD and sitemaps do not depend on the engine (issue 20)."""
    engine, site = engine_site
    page = (site / "public/fr/services/pothole-repair/index.html").read_text("utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert [json.loads(b)["@type"] for b in blocks] == ["GovernmentService"], engine
    assert json.loads(blocks[0])["url"].endswith("/fr/services/pothole-repair/")
    assert re.search(r'<meta name="description" content="[^"]+">', page), engine
    sitemap = (site / "public/es/sitemap-languages.xml").read_text("utf-8")
    assert 'hreflang="fr" href="https://311.riverton.example.gov/fr/services/pothole-repair/"' in sitemap
    agent = (site / "agent/en/services/pothole-repair/index.html").read_text("utf-8")
    assert '<meta name="robots" content="noindex">' in agent and "ld+json" not in agent

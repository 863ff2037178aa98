"""The mkdocs hooks of the generated projects change how fast a page is made, never what it is."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest
import yaml

from generator.engine import hooks
from generator.engine.mkdocs import mkdocs_build
from generator.i18n.locale import interface_translations
from generator.pipeline.build import check
from generator.pipeline.model import build_site
from generator.pipeline.render import write_project
from generator.pipeline.translate import translate


def _project(root: Path, work: Path, lang: str, name: str) -> Path:
    checked = check(root)
    config = checked.config
    source = build_site(checked.tree, config, "public")
    messages = interface_translations(config.root, lang, config.source.code)
    site = translate(source, lang, messages)
    project = write_project(site, source, lang, messages, config.root, work / name,
                            work / f"{name}-site")
    return project.dir / "mkdocs.yml"


def _html(site: Path) -> list[Path]:
    return sorted(p.relative_to(site) for p in site.rglob("*.html"))


def _long_lists(make_tree) -> Path:
    """A department with more services than a list page holds: its list goes on at
    departments/public-works/2/, a folder deeper than the other pages."""
    extra = {f"catalog/services/extra-{i:02d}.yaml": (
        f"name: Extra service {i:02d}\ndepartment: public-works\ngroup: Streets and sidewalks\n"
        f"summary: Report problem number {i} so a crew can look at it.\n") for i in range(70)}
    return make_tree(extra)


@pytest.mark.parametrize("tree,lang", [("demo", "es"), ("long lists", "en")])
def test_navigation_rendered_once_per_folder_is_the_navigation_of_each_page(
        demo_root, make_tree, tmp_path, tree, lang):
    """Every page built with the shared navigation and with Material rendering it on each page,
    as stock: the same bytes (the demo in Spanish: accented titles; a tree whose long lists put
    pages one folder deeper, where the navigation's links are other addresses)."""
    root = demo_root if tree == "demo" else _long_lists(make_tree)
    shared = _project(root, tmp_path, lang, "shared")
    stock = _project(root, tmp_path, lang, "stock")
    # the same hooks, less the sharing, and Material's own partials/nav.html
    source = Path(hooks.__file__).read_text("utf-8")
    assert "    _share_navigation(context, page, nav)\n" in source
    plain_hooks = tmp_path / "hooks_stock.py"
    plain_hooks.write_text(source.replace("    _share_navigation(context, page, nav)\n", ""), "utf-8")
    (stock.parent / "theme" / "partials" / "nav.html").unlink()
    config = yaml.safe_load(stock.read_text("utf-8"))
    config["hooks"] = [str(plain_hooks) if Path(h).name == "hooks.py" else h for h in config["hooks"]]
    config["site_dir"] = str(tmp_path / "stock-site")
    stock.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")

    assert mkdocs_build(str(shared)) == []
    assert mkdocs_build(str(stock)) == []
    a, b = tmp_path / "shared-site", tmp_path / "stock-site"
    pages = _html(a)
    assert pages == _html(b) and len(pages) > 60
    differ = [str(p) for p in pages if not filecmp.cmp(a / p, b / p, shallow=False)]
    assert differ == []
    # and it is the navigation: every service page has it, with the departments in it
    service = a / next(p for p in pages if str(p).startswith("services/"))
    html = service.read_text("utf-8")
    assert re.search(r'<nav class="md-nav md-nav--primary"', html)
    assert "departments/" in html.split('md-nav--primary', 1)[1]


def test_pages_tell_materials_search_to_index_nothing(demo_root, tmp_path):
    """kb writes the search index from the model; Material must not read the pages for it."""
    config_file = _project(demo_root, tmp_path, "en", "en")
    docs = config_file.parent / "docs"
    pages = sorted(docs.rglob("*.md"))
    assert pages
    for page in pages:
        head = page.read_text("utf-8").split("\n---\n", 1)[0]
        assert yaml.safe_load(head.removeprefix("---\n"))["search"] == {"exclude": True}, page


def test_the_themes_navigation_is_materials_with_the_shared_html_printed():
    """The theme's partials/nav.html is Material's, word for word, where it renders the
    navigation itself (a Material upgrade that changes it shows here)."""
    import material

    stock = Path(material.__file__).parent / "templates" / "partials" / "nav.html"
    body = stock.read_text("utf-8").split("-#}\n", 1)[1].rstrip("\n")
    ours = (Path(hooks.__file__).parent / "theme" / "partials" / "nav.html").read_text("utf-8")
    assert ours.split("{%- else -%}\n", 1)[1] == body + "\n{%- endif %}\n"

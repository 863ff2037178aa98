"""The live preview: an edit shows in the browser; only what the edit reaches is built again,
and what the preview shows then is what a preview built from nothing shows."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ARTICLE, BASE_TREE, SERVICE, write_tree

from generator.commands.serve import Preview
from generator.search import shards
from generator.search import shards

SERVICE3 = ("name: Graffiti removal\ndepartment: parks\ngroup: Clean streets\n"
            "summary: Report graffiti on public property.\nrelated: [pothole-repair]\n")
PARKS = "name: Parks\nkind: city\nphone: \"555-555-0150\"\n"
TREE = {**BASE_TREE, "catalog/services/graffiti.yaml": SERVICE3, "catalog/departments/parks.yaml": PARKS}


def html_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file() and p.suffix in (".html", ".json")}


def fresh(root: Path, tmp: Path, audience: str) -> dict[str, bytes]:
    preview = Preview(root, None, audience, tmp)
    preview.update()
    return html_files(preview.site_dir)


EDITS = {
    "a summary": {"catalog/services/pothole-repair.yaml":
                  SERVICE.replace("so a crew can fill it.", "so a crew can fill it fast.")},
    "a service moves to another department": {"catalog/services/graffiti.yaml":
                                              SERVICE3.replace("department: parks", "department: public-works")},
    "a service moves to another group": {"catalog/services/graffiti.yaml":
                                         SERVICE3.replace("Clean streets", "Streets and sidewalks")},
    "a new service": {"catalog/services/tree-trimming.yaml":
                      "name: Tree trimming\ndepartment: parks\ngroup: Trees\nsummary: Ask for a tree to be trimmed.\n"},
    "a service removed": {"catalog/services/graffiti.yaml": None},
    "an answer about another service": {"articles/potholes.md":
                                        ARTICLE.replace("services: [pothole-repair]", "services: [graffiti]")},
    "a department's phone": {"catalog/departments/parks.yaml": PARKS.replace("0150", "0151")},
}


@pytest.mark.parametrize("audience", ["public", "agent"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_builds_what_it_reaches_and_matches_a_fresh_preview(tmp_path, edit, audience):
    root = write_tree(tmp_path / "city", TREE)
    preview = Preview(root, None, audience, tmp_path / "work")
    everything = preview.update()
    before = {p: f.stat().st_mtime_ns for p, f in
              ((p.relative_to(preview.site_dir).as_posix(), p) for p in preview.site_dir.rglob("index.html"))}
    time.sleep(0.01)
    write_tree(root, EDITS[edit])
    rendered = preview.update()
    assert 0 < rendered < everything
    assert html_files(preview.site_dir) == fresh(root, tmp_path / "fresh", audience)
    after = {p.relative_to(preview.site_dir).as_posix(): p.stat().st_mtime_ns
             for p in preview.site_dir.rglob("index.html")}
    assert sum(1 for p in after if before.get(p) != after[p]) <= rendered + 2  # and the A to Z, home


def test_a_service_renamed_to_another_letter_of_a_long_a_to_z(tmp_path, monkeypatch):
    from generator.pipeline import render

    monkeypatch.setattr(render, "A_TO_Z_ONE_PAGE", 2)  # a page per letter from 3 entries on
    root = write_tree(tmp_path / "city", TREE)
    preview = Preview(root, None, "public", tmp_path / "work")
    preview.update()
    assert (preview.site_dir / "a-z" / "p" / "index.html").is_file()
    write_tree(root, {"catalog/services/pothole-repair.yaml":
                      SERVICE.replace("name: Pothole repair", "name: Road hole repair")})
    preview.update()
    assert html_files(preview.site_dir) == fresh(root, tmp_path / "fresh", "public")
    assert "Road hole repair" in (preview.site_dir / "a-z" / "r" / "index.html").read_text("utf-8")


def test_long_lists_over_several_pages_stay_right(tmp_path, monkeypatch):
    from generator.pipeline import render

    monkeypatch.setattr(render, "LIST_PAGE", 1)  # every list: a page per entry
    root = write_tree(tmp_path / "city", TREE)
    preview = Preview(root, None, "public", tmp_path / "work")
    preview.update()
    assert (preview.site_dir / "departments" / "public-works" / "2" / "index.html").is_file()
    write_tree(root, {"catalog/services/graffiti.yaml":
                      SERVICE3.replace("department: parks", "department: public-works")
                      .replace("Graffiti removal", "Art removal")})
    preview.update()
    assert html_files(preview.site_dir) == fresh(root, tmp_path / "fresh", "public")
    assert (preview.site_dir / "departments" / "public-works" / "3" / "index.html").is_file()


def test_an_edit_to_the_settings_builds_everything(tmp_path):
    root = write_tree(tmp_path / "city", TREE)
    preview = Preview(root, None, "public", tmp_path / "work")
    everything = preview.update()
    write_tree(root, {"mkdocs.yml": TREE["mkdocs.yml"].replace("Testville", "Testburg")})
    assert preview.update() == everything
    assert "Testburg" in (preview.site_dir / "index.html").read_text("utf-8")


def test_a_content_error_keeps_the_last_good_preview(tmp_path):
    from generator.errors import ContentError

    root = write_tree(tmp_path / "city", TREE)
    preview = Preview(root, None, "public", tmp_path / "work")
    preview.update()
    page = preview.site_dir / "services" / "pothole-repair" / "index.html"
    good = page.read_bytes()
    write_tree(root, {"catalog/services/pothole-repair.yaml": SERVICE + "descripton: x\n"})
    with pytest.raises(ContentError):
        preview.update()
    assert page.read_bytes() == good
    write_tree(root, {"catalog/services/pothole-repair.yaml": SERVICE.replace("Pothole repair", "Road repair")})
    preview.update()
    assert "Road repair" in page.read_text("utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.browser
def test_kb_serve_shows_an_edit_in_the_browser(tmp_path, page):
    root = write_tree(tmp_path / "city", TREE)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(root),
                               "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/services/pothole-repair/"
        deadline = time.monotonic() + 60
        while True:
            try:
                page.goto(url)
                break
            except Exception:  # noqa: BLE001 - the server is still building the preview
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert page.locator("h1").inner_text() == "Pothole repair"
        write_tree(root, {"catalog/services/pothole-repair.yaml":
                          SERVICE.replace("name: Pothole repair", "name: Pothole filling")})
        page.wait_for_function("(document.querySelector('h1')?.textContent || '').includes('Pothole filling')",
                               timeout=30_000)  # the page reloads itself
        # The search in the header works in the preview too (one language, served at the top).
        page.locator("[data-kb-search-open]").click()
        page.locator("#kb-header-q").press_sequentially("graffiti", delay=10)
        page.locator("[data-kb-search-dialog] .kb-search-result").first.wait_for()
        page.locator("#kb-header-q").press("Enter")
        page.wait_for_url(f"http://127.0.0.1:{port}/services/graffiti/")
        # the home page's search box ranks over the preview's own index, edit included
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator(".kb-home-search input[type=search]").fill("pothole filling")
        page.locator(".kb-search-result__title", has_text="Pothole filling").first.wait_for(timeout=15_000)
    finally:
        os.killpg(server.pid, 9)
        server.wait()


def test_the_agent_preview_has_the_search_index_the_console_ranks_over(tmp_path):
    import json

    root = write_tree(tmp_path / "city", TREE)
    preview = Preview(root, None, "agent", tmp_path / "work")
    preview.update()
    console = json.loads((preview.site_dir / "console.json").read_text("utf-8"))
    index = shards.read(preview.site_dir / console["index"])
    assert index["audience"] == "agent"
    assert "Pothole repair" in [d["title"] for d in index["docs"]]


def test_the_public_preview_has_its_own_search_index_without_agent_words(tmp_path):
    root = write_tree(tmp_path / "city", TREE)
    preview = Preview(root, None, "public", tmp_path / "work")
    preview.update()
    folder = preview.site_dir / "api" / "v2" / "en"
    index = shards.read(folder / "search.json")  # the head and its shards
    assert index["audience"] == "public"
    assert "Pothole repair" in [d["title"] for d in index["docs"]]
    text = "".join(p.read_text("utf-8") for p in sorted(folder.rglob("*.json")))
    agent = Preview(root, None, "agent", tmp_path / "agent")
    agent.update()
    agent_folder = agent.site_dir / "api" / "v2" / "en"
    agent_text = "".join(p.read_text("utf-8") for p in sorted(agent_folder.rglob("*.json")))
    for secret in ("555-555-0199",):  # the agent-only transfer line
        assert secret in agent_text
        assert secret not in text


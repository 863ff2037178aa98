"""The publishing guide's nginx configuration does what the guide says: served under a sub-path,
with the right content types, caching headers and not-found page."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from conftest import REPO

DOC = REPO / "docs" / "publishing.md"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def documented_nginx() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert len(blocks) == 1
    return blocks[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("nginx")
    www = base / "www" / "311"
    files = {
        "index.html": "<!doctype html><title>Riverton 311</title>",
        "en/index.html": "<!doctype html><title>Home</title>",
        "en/404.html": "<!doctype html><title>Not found</title>",
        "en/changes.xml": "<feed xmlns='http://www.w3.org/2005/Atom'/>",
        "changes.xml": "<feed xmlns='http://www.w3.org/2005/Atom'/>",
        "changes.json": "{}",
        "api/v2/en/search.json": "{}",
        "en/assets/javascripts/bundle.79ae519e.min.js": "1",
        "en/kb/kb.css": "body{}",
        "en/sitemap.xml": "<urlset/>",
        "api/v1/en/catalog.json": "{}",
        "open311/v2/services.xml": "<services/>",
        "open311/v2/services/changes.xml": "<service_definition/>",
        "open311/v2/services/sign down.json": "{}",
        "open311/v2/services/urn:tree:1.xml": "<service_definition/>",
        "open311/v2/services/roads/potholes.json": "{}",
        "open311/v2/services/o'neil-park.json": "{}",
    }
    for rel, text in files.items():
        (www / rel).parent.mkdir(parents=True, exist_ok=True)
        (www / rel).write_text(text, "utf-8")
    with nginx(base, base / "www") as url:
        yield url


@contextlib.contextmanager
def nginx(base: Path, www: Path, prefix: str = "/311/"):
    """Run Debian's nginx with the guide's server block on 127.0.0.1, serving www as /srv/www.

    prefix: where the site lives (the guide's /311/; "/" serves www itself at the root, for a
    build whose site_url has no sub-path). base: a folder for nginx's own files. Yields the URL.
    """
    if NGINX is None:
        pytest.fail("nginx is needed (scripts/setup.sh --test installs it)")
    port = free_port()
    server_block = documented_nginx().replace("listen 80;", f"listen 127.0.0.1:{port};") \
                                     .replace("root /srv/www;", f"root {www};") \
                                     .replace("/311/", prefix)
    temp = base / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    (base / "nginx.conf").write_text(f"""
daemon off;
master_process off;
pid {base}/nginx.pid;
error_log {base}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server_block}
}}
""")
    proc = subprocess.Popen([NGINX, "-p", str(base), "-c", str(base / "nginx.conf"),
                             "-e", str(base / "error.log")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode())
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


@pytest.mark.parametrize("path, status, content_type, cache", [
    ("/311/", 200, "text/html; charset=utf-8", "no-cache"),
    ("/311/en/", 200, "text/html; charset=utf-8", "no-cache"),
    ("/311/changes.xml", 200, "application/atom+xml; charset=utf-8", "no-cache"),
    ("/311/en/changes.xml", 200, "application/atom+xml; charset=utf-8", "no-cache"),
    ("/311/changes.json", 200, "application/json; charset=utf-8", "no-cache"),
    ("/311/api/v2/en/search.json", 200, "application/json; charset=utf-8", "no-cache"),
    ("/311/api/v1/en/catalog.json", 200, "application/json; charset=utf-8", "no-cache"),
    ("/311/open311/v2/services.xml", 200, "application/xml; charset=utf-8", "no-cache"),
    ("/311/open311/v2/services/changes.xml", 200, "application/xml; charset=utf-8", "no-cache"),
    ("/311/open311/v2/services/sign%20down.json", 200, "application/json; charset=utf-8", "no-cache"),
    ("/311/open311/v2/services/urn:tree:1.xml", 200, "application/xml; charset=utf-8", "no-cache"),
    ("/311/open311/v2/services/roads/potholes.json", 200, "application/json; charset=utf-8",
     "no-cache"),
    ("/311/open311/v2/services/o'neil-park.json", 200, "application/json; charset=utf-8", "no-cache"),
    ("/311/en/sitemap.xml", 200, "application/xml; charset=utf-8", "no-cache"),
    ("/311/en/kb/kb.css", 200, "text/css; charset=utf-8", "no-cache"),
    ("/311/en/assets/javascripts/bundle.79ae519e.min.js", 200, None,
     "public, max-age=31536000, immutable"),
])
def test_documented_nginx_config(server, path, status, content_type, cache):
    code, headers, _ = get(server + path)
    assert code == status
    if content_type:
        assert headers["Content-Type"] == content_type
    assert headers["Cache-Control"] == cache


def test_data_for_other_tools_may_be_read_by_any_page(server):
    assert get(server + "/311/api/v1/en/catalog.json")[1]["Access-Control-Allow-Origin"] == "*"
    assert get(server + "/311/en/")[1]["Access-Control-Allow-Origin"] is None


def test_not_found_shows_the_site_404_page(server):
    code, _, body = get(server + "/311/en/services/no-such-service/")
    assert code == 404 and "Not found" in body


def shell_commands(node) -> list[str]:
    """The shell lines of a workflow: GitHub's `run:` and GitLab's `script:` entries."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                out.append(value)
            elif key in ("script", "before_script") and isinstance(value, list):
                out += [v for v in value if isinstance(v, str)]
            else:
                out += shell_commands(value)
    elif isinstance(node, list):
        for value in node:
            out += shell_commands(value)
    return out


def test_example_workflows_use_only_real_kb_commands_and_options(kb):
    """The CI examples cannot drift from the command line: every kb call they make exists."""
    workflows = sorted((REPO / "docs" / "workflows").rglob("*.yml"))
    assert {p.name for p in workflows} == {"kb-check.yml", "kb-publish.yml", ".gitlab-ci.yml"}
    calls = []
    for path in workflows:
        for command in shell_commands(yaml.safe_load(path.read_text("utf-8"))):
            calls += re.findall(
                r"(?:^|[\s;&|(])(?:\.venv/bin/)?kb ([a-z][a-z0-9-]*)((?: --?[a-z][a-z-]*)*)", command)
    used = {(cmd, opt) for cmd, opts in calls for opt in opts.split()}
    commands = {cmd for cmd, _ in calls}
    assert {"check", "build", "diff", "codeowners"} <= commands
    for cmd in commands:
        help_text = kb(cmd, "--help")
        assert help_text.exit_code == 0, cmd
        for c, opt in used:
            if c == cmd:
                assert opt in help_text.stdout, (cmd, opt)
    assert ("check", "--format") in used and ("build", "--audience") in used
    for path in workflows:  # the public publish step never ships the agent site
        text = path.read_text("utf-8")
        assert not re.search(r"path: site/?\s*$|mv site public|site/ +\S*public", text, re.M), path


# --- The real site behind nginx --------------------------------------------------------------------

def fetch(url: str):
    """GET without following redirects: (status, headers, body bytes)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def expected_type(rel: str) -> str:
    if rel.endswith(".json"):
        return "application/json; charset=utf-8"
    if rel == "changes.xml" or rel.endswith("/changes.xml"):
        return "application/atom+xml; charset=utf-8"
    return "application/xml; charset=utf-8"


@pytest.fixture(scope="module")
def demo_nginx(demo_site, tmp_path_factory):
    """The demo's site/public/ served by nginx with the guide's configuration, at the root path
    (the demo's site_url has no sub-path; the 404 page's links follow site_url)."""
    with nginx(tmp_path_factory.mktemp("nginx-demo"), demo_site / "public", prefix="/") as url:
        yield url


def test_demo_behind_nginx_pretty_urls(demo_nginx, demo_site):
    public = demo_site / "public"
    langs = sorted(p.parent.name for p in public.glob("*/index.html"))
    assert "en" in langs
    code, headers, body = fetch(demo_nginx + "/")
    assert code == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (public / "index.html").read_bytes()  # the language chooser
    for lang in langs:
        service = sorted((public / lang / "services").iterdir())[0].name
        for path in [f"/{lang}/", f"/{lang}/a-z/", f"/{lang}/services/{service}/"]:
            code, headers, body = fetch(demo_nginx + path)
            assert code == 200, path
            assert headers["Content-Type"] == "text/html; charset=utf-8", path
            assert f'<html lang="{lang}"'.encode() in body, path
        # Without the final slash: a redirect to the folder, as every static host does.
        code, headers, _ = fetch(f"{demo_nginx}/{lang}/services/{service}")
        assert code == 301 and headers["Location"].endswith(f"/{lang}/services/{service}/")


def test_demo_behind_nginx_not_found_page(demo_nginx, demo_site):
    for path in ["/en/services/no-such-service/", "/en/nothing.html", "/no-such-folder/"]:
        code, headers, body = fetch(demo_nginx + path)
        assert code == 404, path
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == (demo_site / "public" / "en" / "404.html").read_bytes(), path


def test_demo_behind_nginx_content_types_of_json_and_xml(demo_nginx, demo_site):
    """Every JSON and XML file the build writes goes out with its right type, and parses."""
    import json
    import xml.etree.ElementTree as ET

    public = demo_site / "public"
    files = sorted(p.relative_to(public).as_posix() for p in public.rglob("*")
                   if p.suffix in (".json", ".xml") and p.is_file())
    assert "changes.json" in files and "changes.xml" in files and "en/sitemap.xml" in files
    assert "api/v2/en/search.json" in files
    for rel in files:
        code, headers, body = fetch(f"{demo_nginx}/{quote(rel)}")
        assert code == 200, rel
        assert headers["Content-Type"] == expected_type(rel), rel
        if rel.endswith(".json"):
            json.loads(body)
        else:
            ET.fromstring(body)
        cors = headers["Access-Control-Allow-Origin"]
        assert cors == ("*" if rel.startswith(("api/", "open311/")) else None), rel


@pytest.mark.browser
def test_not_found_page_under_a_sub_path_in_the_browser(browser, tmp_path_factory):
    """A city hosting at /311/ sets site_url to match; nginx then shows the site's own 404 page,
    styled, in the resident's language, with working links (the 404 page's links are absolute,
    from site_url, since it is served at any depth)."""
    from browserkit import DESKTOP, new_page, watch_failures
    from conftest import BASE_TREE, write_tree

    from generator.pipeline.build import build

    base = tmp_path_factory.mktemp("nginx-subpath")
    root = write_tree(base / "city", BASE_TREE)
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text("utf-8").replace(
        "site_url: https://311.testville.example/",
        "site_url: https://www.testville.example/311/"), "utf-8")
    build(root, base / "out", audience="public", quiet=True)
    (base / "www").mkdir()
    (base / "out" / "public").rename(base / "www" / "311")
    with nginx(base / "nginx", base / "www") as url:
        page = new_page(browser, DESKTOP)
        failures = watch_failures(page)
        response = page.goto(url + "/311/en/services/no-such-service/")
        assert response.status == 404
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator(".md-content h1").first.inner_text().strip() == "Page not found"
        assert page.locator(".md-header").evaluate("h => getComputedStyle(h).position") != "static"
        page.locator(".md-content a", has_text="A to Z").click()
        page.wait_for_url(url + "/311/en/a-z/")
        page.go_back()
        page.locator(".md-content a", has_text="Home").click()
        page.wait_for_url(url + "/311/en/")
        assert [f for f in failures if "/no-such-service/" not in f] == []

"""Shared fixtures: tiny content trees written by the test itself, and the kb command."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1790000000")

REPO = Path(__file__).resolve().parent.parent
# The site engines kb builds with (docs/engines.md); the safety tests run on each one's pages.
ENGINES = ["mkdocs", "properdocs", "zensical"]

MKDOCS_YML = """\
site_name: Testville 311
site_url: https://311.testville.example/
theme:
  name: material
  font: false
extra:
  kb:
    city: Testville
    timezone: America/Chicago
    phones: {main: "311", outside: "+1 555-555-0311", tty: "555-555-0312"}
    languages:
      - {code: en, name: English}
"""

DEPARTMENT = """\
name: Public Works
kind: city
description: Keeps streets safe.
phone: "555-555-0100"
hours:
  mon: ["07:30-16:30"]
  tue: ["07:30-16:30"]
  wed: ["07:30-16:30"]
  thu: ["07:30-16:30"]
  fri: ["07:30-16:30"]
  sat: closed
  sun: closed
agent:
  transfer_line: "555-555-0199"
  notes: Dispatcher answers around the clock.
"""

SERVICE = """\
name: Pothole repair
department: public-works
group: Streets and sidewalks
summary: Report a pothole on a city street so a crew can fill it.
keywords: [pothole, hole in the road]
description: |
  Crews fill potholes on city streets. See [streetlights](service:streetlight-outage).
request:
  channels:
    - {type: online, url: "https://testville.example/report/pothole"}
    - {type: phone}
  questions:
    - {code: location, prompt: "Where is the pothole?", datatype: string, required: true}
    - {code: size, prompt: "How big is it?", datatype: singlevaluelist, values: [{key: small, name: Smaller than a plate}, {key: large, name: Larger than a tire}]}
response_time: {value: 3, unit: business_days}
fees: none
related: [streetlight-outage]
agent:
  script: |
    "I can take that report. Where is the pothole?"
  transfer: {to: public-works, when: "caller reports a sinkhole"}
owner: {department: public-works, contact: streets@testville.example}
review: {last_reviewed: 2026-09-01, every_days: 180}
open311: {code: "4", type: realtime}
"""

SERVICE2 = """\
name: Streetlight outage
department: public-works
group: Streets and sidewalks
summary: Report a streetlight that is out or flickering.
"""

ARTICLE = """\
---
title: Potholes
services: [pothole-repair]
audience: both
---
Potholes get filled within three business days.

!!! say
    "Thanks for calling about the pothole."

## What happens next

A crew visits.
"""


class Link(str):
    """A symbolic link in a tree written by write_tree: Link("../../secret.md")."""


class HardLink(str):
    """A second name for a file written before it: HardLink("../outside.yaml") (from the root)."""


class Fifo:
    """A named pipe in a tree written by write_tree."""


def write_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write a content tree: {relative path: text}; None removes a file of the base tree; Link,
    HardLink and Fifo make those."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, (Link, HardLink, Fifo)) and os.path.lexists(path):
            path.unlink()
        if isinstance(content, Link):
            path.symlink_to(content)
        elif isinstance(content, HardLink):
            os.link(root / content, path)
        elif isinstance(content, Fifo):
            os.mkfifo(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, "utf-8")
    return root


BASE_TREE = {
    "mkdocs.yml": MKDOCS_YML,
    "catalog/departments/public-works.yaml": DEPARTMENT,
    "catalog/services/pothole-repair.yaml": SERVICE,
    "catalog/services/streetlight-outage.yaml": SERVICE2,
    "articles/potholes.md": ARTICLE,
}


@pytest.fixture
def make_tree(tmp_path):
    """make_tree({path: text}) -> a valid small tree with those files added, changed or removed."""

    def make(changes: dict[str, str | bytes | None] | None = None, base: bool = True) -> Path:
        root = tmp_path / "city"
        root.mkdir(exist_ok=True)
        if base:
            write_tree(root, BASE_TREE)
        write_tree(root, changes or {})
        return root

    return make


@pytest.fixture
def kb():
    """kb('check', '--root', path) -> click Result (exit_code, output, stderr)."""
    runner = CliRunner()

    def run(*args: str | Path):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


# --- Shared fixtures for whole-site tests -------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright: Debian's Chromium, offline and quiet (never a downloaded browser)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def demo_root() -> Path:
    """The repository's own demo city (catalog/, articles/, translations/, mkdocs.yml)."""
    if not (REPO / "catalog").is_dir():
        pytest.skip("the demo content (catalog/, articles/) is not in this checkout")
    return REPO


@pytest.fixture(scope="session")
def demo_site(demo_root, tmp_path_factory) -> Path:
    """The demo, built once per test session for every language and both audiences.

    Returns the output folder (with public/ and agent/). Tests must not change it.
    """
    from generator.pipeline.build import build

    out = tmp_path_factory.mktemp("demo-site") / "site"
    build(demo_root, out, quiet=True)
    return out


class StaticServer:
    """A folder served over HTTP on 127.0.0.1 (Python's server; nginx has its own test)."""

    def __init__(self, folder: Path, prefix: str = "/"):
        import functools
        import http.server
        import threading

        self.folder = Path(folder)
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        strip = self.prefix

        class Handler(http.server.SimpleHTTPRequestHandler):
            extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                              ".json": "application/json", ".xml": "application/xml",
                              ".js": "text/javascript"}

            def translate_path(self, path):
                if strip != "/" and not path.startswith(strip):
                    return str(Path(folder) / "__outside_prefix__")
                return super().translate_path("/" + path[len(strip):])

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{self.prefix}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    """serve(folder, prefix='/') -> base URL ending in '/'; stopped after the test."""
    servers: list[StaticServer] = []

    def start(folder: Path, prefix: str = "/") -> str:
        server = StaticServer(folder, prefix)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.close()

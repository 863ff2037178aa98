"""Files as kb reads them: nothing from outside the content folder reaches the output, links that
stay in their folder and files saved with a byte-order mark or CRLF line ends build and read
right, a device or a pipe cannot hang a check, and a file replaced while it is read is read whole.

The exact messages for the refused cases are in tests/test_broken_corpus.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from gettext import NullTranslations
from pathlib import Path

import pytest
from conftest import ARTICLE, MKDOCS_YML, SERVICE, Fifo, Link, write_tree

from generator.errors import ContentError
from generator.pipeline import contentfiles
from generator.pipeline.build import build, check
from generator.pipeline.model import build_site

ES = MKDOCS_YML + "      - {code: es, name: Español}\n"
PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
      'msgid "Pothole repair"\nmsgstr "Reparación de baches"\n')
BOM = b"\xef\xbb\xbf"


def windows(text: str) -> bytes:
    """As Notepad saves it: a byte-order mark and CRLF line ends."""
    return BOM + text.replace("\n", "\r\n").encode("utf-8")


def every_file(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


def test_files_with_a_byte_order_mark_and_crlf_build_and_read_right(make_tree, kb):
    root = make_tree({"mkdocs.yml": windows(ES),
                      "catalog/services/pothole-repair.yaml": windows(SERVICE),
                      "articles/potholes.md": windows(ARTICLE),
                      "translations/es.po": windows(PO)})
    result = kb("check", "--root", root)
    assert result.exit_code == 0, result.output
    build(root, root / "site", audience="public", quiet=True)
    public = root / "site" / "public"
    catalog = json.loads((public / "api/v1/en/catalog.json").read_text("utf-8"))
    service = next(s for s in catalog["services"] if s["id"] == "pothole-repair")
    assert service["name"] == "Pothole repair"
    assert service["request"]["questions"][0]["prompt"] == "Where is the pothole?"
    es = json.loads((public / "api/v1/es/catalog.json").read_text("utf-8"))
    assert next(s for s in es["services"] if s["id"] == "pothole-repair")["name"] == "Reparación de baches"
    article = json.loads((public / "api/v1/en/articles.json").read_text("utf-8"))["articles"][0]
    assert article["title"] == "Potholes"
    assert "Potholes get filled within three business days.\n" in article["body"]
    assert "\r" not in article["body"] and "\ufeff" not in every_file(public)
    page = (public / "en/answers/potholes/index.html").read_text("utf-8")
    assert "<h2 id=\"what-happens-next\">What happens next" in page  # the heading after CRLFs


def test_links_that_stay_in_their_folder_are_followed(make_tree, kb):
    root = make_tree({"articles/pothole-answers.md": Link("potholes.md"),
                      "theme/assets/logo.svg": "<svg>logo</svg>",
                      "theme/assets/logo-dark.svg": Link("logo.svg"),
                      "theme/images": Link("assets")})
    result = kb("check", "--root", root)
    assert result.exit_code == 0, result.output
    build(root, root / "site", audience="public", quiet=True)
    public = root / "site" / "public"
    articles = json.loads((public / "api/v1/en/articles.json").read_text("utf-8"))["articles"]
    assert {a["id"]: a["title"] for a in articles} == {"pothole-answers": "Potholes", "potholes": "Potholes"}
    assert (public / "en/assets/logo-dark.svg").read_text() == "<svg>logo</svg>"
    assert (public / "en/images/logo.svg").read_text() == "<svg>logo</svg>"


@pytest.mark.parametrize("where", ["articles/leak.md", "catalog/services/leak.yaml",
                                   "theme/leak.txt", "translations/es.po"])
def test_a_file_from_outside_never_reaches_the_output(make_tree, kb, where):
    """The issue's case: the secret was on the page, in the search index and in articles.json."""
    secret = "SECRET-FROM-OUTSIDE"
    text = {".md": f"---\ntitle: Leak\n---\n{secret}\n", ".yaml": f"name: {secret}\n",
            ".txt": secret, ".po": PO.replace("Reparación de baches", secret)}[Path(where).suffix]
    root = make_tree({"mkdocs.yml": ES, "../outside" + Path(where).suffix: text,
                      where: Link("../" * where.count("/") + "../outside" + Path(where).suffix)})
    (root / "site" / "public").mkdir(parents=True)
    (root / "site" / "public" / "index.html").write_text("the previous site")
    result = kb("build", "--root", root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{where}:1:1: (file): is a link to " in result.output
    assert sorted(p.name for p in (root / "site").iterdir()) == ["public"]
    assert (root / "site" / "public" / "index.html").read_text() == "the previous site"
    assert secret not in every_file(root / "site")


def test_the_theme_copy_takes_only_what_the_check_accepts(make_tree, tmp_path):
    """Even past kb check (a link made after it), the build's copy of theme/ follows no link out."""
    from generator.pipeline.render import write_project

    root = make_tree({"theme/ok.txt": "ok"})
    checked = check(root)
    write_tree(root, {"theme/passwd.txt": Link("/etc/passwd"), "theme/pipe.txt": Fifo()})
    site = build_site(checked.tree, checked.config, "public")
    project = tmp_path / "project"
    write_project(site, site, "en", NullTranslations(), root, project, tmp_path / "out")
    assert (project / "theme/ok.txt").read_text() == "ok"
    assert not (project / "theme/passwd.txt").exists() and not (project / "theme/pipe.txt").exists()


def test_a_device_or_a_pipe_does_not_hang_kb_check(make_tree):
    root = make_tree({"catalog/services/zero.yaml": Link("/dev/zero"),
                      "catalog/services/pipe.yaml": Fifo(), "translations/fr.po": Fifo(),
                      "theme/kb/kb.css": Link("/dev/zero")})
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--root", str(root)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert [line.split(": (file)")[0] for line in result.stderr.splitlines()[:-1]] == [
        "catalog/services/pipe.yaml:1:1", "catalog/services/zero.yaml:1:1", "theme/kb/kb.css:1:1",
        "translations/fr.po:1:1"]


def test_a_file_written_while_it_is_read_is_read_again_whole(tmp_path, monkeypatch):
    """An editor that writes in place, caught half way: kb reads the file again, whole."""
    root = write_tree(tmp_path / "city", {"catalog/services/x.yaml": "name: Old name\n"})
    path = root / "catalog/services/x.yaml"
    real_read = os.read
    calls = []

    def read_then_write(fd, n):
        calls.append(n)
        if len(calls) == 1:  # the first read: half of the old file, then the editor saves
            chunk = real_read(fd, 5)
            with open(path, "r+b") as fh:
                fh.write(b"name: New name, longer\n")
            os.utime(path, ns=(1, 2))
            return chunk
        return real_read(fd, n)

    monkeypatch.setattr(contentfiles.os, "read", read_then_write)
    data, _ = contentfiles.read(path, "catalog/services/x.yaml", 1000)
    assert data == b"name: New name, longer\n"


def test_the_preview_shows_the_old_or_the_new_file_while_it_is_replaced(make_tree, tmp_path):
    """Saves by rename and in place, as fast as they come, while the preview brings itself up to
    date: each update shows one whole version or reports an error and keeps the last preview."""
    from generator.commands.serve import Preview

    root = make_tree()
    path = root / "catalog/services/pothole-repair.yaml"
    versions = [SERVICE.replace("Pothole repair", f"Pothole repair {n}") for n in range(2)]
    preview = Preview(root, None, "public", tmp_path / "work")
    preview.update()
    stop = threading.Event()

    def editor():
        n = 0
        while not stop.is_set():
            text = versions[n % 2]
            if n % 2:  # in place, in two writes
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(text[:40])
                    fh.flush()
                    fh.write(text[40:])
            else:  # a temporary file renamed over it
                tmp = path.with_name(".pothole-repair.yaml.tmp")
                tmp.write_text(text, "utf-8")
                os.replace(tmp, path)
            n += 1
            time.sleep(0.01)  # an editor saving a hundred times a second

    thread = threading.Thread(target=editor)
    thread.start()
    shown, errors = [], []
    try:
        for _ in range(12):
            try:
                preview.update()
            except ContentError as exc:  # a half-saved file: an error, the last preview stays
                assert all(p.path == "catalog/services/pothole-repair.yaml" for p in exc.problems)
                errors.append(exc.problems[0].message)
            page = (preview.site_dir / "services/pothole-repair/index.html").read_text("utf-8")
            shown.append(next(v for v in ("Pothole repair 0", "Pothole repair 1", "Pothole repair")
                              if v in page))
    finally:
        stop.set()
        thread.join()
    assert len(shown) == 12 and {"Pothole repair 0", "Pothole repair 1"} & set(shown), (shown, errors)

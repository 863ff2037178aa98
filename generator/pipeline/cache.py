"""The build cache: what the last build of each language and audience was made from.

The last build is the site that is live in the output folder; ``OUT/.kb-cache/<audience>-<lang>.json``
says what it was made from:

* ``digest``: every input of that language's build (the content, its translation file, the
  settings and theme, kb itself, the date and the history that feed the change lists). When it
  is the same, nothing is built again: the live language folder and its files beside it are
  linked into the new build.
* ``key``: what every page's HTML depends on besides its own Markdown (the generated mkdocs
  configuration with its navigation, the theme, kb and mkdocs themselves).
* ``pages``: the hash of each page's generated Markdown. When the key is the same, a page whose
  Markdown is the same is linked from the live site, and mkdocs renders only the others (its
  ``dirty`` build). A service page shows its department's hours, its related services and the
  answers about it, so a change reaches every page that shows it, and only those.

A manifest describes the live site only: the manifests of an audience are removed before its
folder is swapped and written after, so a build killed in between leaves no manifest (the next
build starts cold) rather than a wrong one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from generator.errors import Problems
from generator.pipeline import contentfiles

FOLDER = ".kb-cache"
VERSION = 1
_PACKAGES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "Babel",
             "lunr", "nh3", "PyYAML")


@dataclass
class Manifest:
    digest: str
    key: str
    pages: dict[str, str]  # docs path -> sha256 of its Markdown
    files: list[str] = field(default_factory=list)  # written outside <lang>/, relative to the audience
    changes: dict = field(default_factory=dict)  # the language's part of changes.json
    version: int = VERSION


def _hash_files(h, folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """kb's own code, templates, theme and schemas, and the versions of what it builds with."""
    h = hashlib.sha256()
    _hash_files(h, Path(__file__).parent.parent)  # the whole package
    for name in _PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?\0".encode())
    return h.hexdigest()


def inputs_digest(root: Path, *extra: str) -> str:
    """Every file a build reads from the content folder but the translations, kb itself,
    SOURCE_DATE_EPOCH, and `extra` (the stamp and history in the JSON, the city's date for the
    overdue badges)."""
    h = hashlib.sha256(tool_digest().encode())
    h.update((root / "mkdocs.yml").read_bytes())
    for name in ("catalog", "articles", "theme"):  # what kb reads of them (contentfiles.walk)
        if (root / name).is_dir():
            h.update(name.encode() + b"/\0")
            for rel in contentfiles.walk(root, name, Problems()):
                h.update(rel[len(name) + 1:].encode() + b"\0" + contentfiles.read_all(root, rel) + b"\0")
    h.update(f"{os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())
    for item in extra:
        h.update(item.encode() + b"\0")
    return h.hexdigest()


def task_digest(inputs: str, audience: str, lang: str, langs: list[str], po: Path) -> str:
    h = hashlib.sha256(f"{inputs}\0{audience}\0{lang}\0{','.join(langs)}\0".encode())
    if po.is_file():
        h.update(po.read_bytes())
    return h.hexdigest()


def project_key(project_dir: Path, site_dir: Path) -> str:
    """The generated mkdocs project without its pages: its configuration and theme."""
    h = hashlib.sha256(tool_digest().encode())
    config = (project_dir / "mkdocs.yml").read_text("utf-8").replace(str(site_dir), "SITE_DIR")
    h.update(config.encode())
    _hash_files(h, project_dir / "theme")
    return h.hexdigest()


def page_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _path(out: Path, audience: str, lang: str) -> Path:
    return out / FOLDER / f"{audience}-{lang}.json"


def read(out: Path, audience: str, lang: str) -> Manifest | None:
    """The manifest of the live site's language folder, when there is one kb can use."""
    try:
        data = json.loads(_path(out, audience, lang).read_text("utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None
    if manifest.version != VERSION or not (out / audience / lang).is_dir():
        return None
    return manifest


def forget(out: Path, audience: str) -> None:
    for path in (out / FOLDER).glob(f"{audience}-*.json"):
        path.unlink()


def save(out: Path, audience: str, lang: str, manifest: Manifest) -> None:
    path = _path(out, audience, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(manifest), ensure_ascii=False), "utf-8")  # keeps the order
    os.replace(tmp, path)


def link(src: Path, dst: Path) -> None:
    """dst as a hard link to src (a copy where the file system has no links)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def link_tree(src: Path, dst: Path) -> None:
    for folder, _, names in os.walk(src):
        for name in names:
            path = Path(folder) / name
            link(path, dst / path.relative_to(src))


def mark(out: Path) -> str:
    """The secret of the markers around content (pipeline/safety.py) for builds into `out`:
    made once and kept in the cache folder, so that the generated projects stay the same from
    one build to the next (and the cache keeps working). It is never published."""
    path = Path(out) / FOLDER / "mark"
    try:
        value = path.read_text("ascii").strip()
        if len(value) == 32 and all(c in "0123456789abcdef" for c in value):
            return value
    except OSError:
        pass
    value = secrets.token_hex(16)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value + "\n", "ascii")
    return value

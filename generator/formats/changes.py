"""What changed: services and articles added, changed or removed, from the content's git history.

The history is read with ``git log --first-parent`` over ``catalog/services`` and ``articles``
(renames followed; a merge counts as one change, on the date it landed). A commit that only moves
a review date, or that only touches agent fields, is not a change for residents; the public list
never names an article for agents only, not even by id. With no history (no git, no commit
touching the content, or only the boundary of a shallow clone) the list is built from the review
dates instead, and says so.

Written per audience: ``changes.json`` (every built language), ``changes.xml`` (Atom, the source
language) at the audience root and ``<lang>/changes.xml`` per language; the agent site also gets a
"What's new" page (``<lang>/whats-new/``) from the same entries.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2

from generator.i18n.locale import Fallback, interface_translations
from generator.pipeline import schema
from generator.pipeline.load import ID_RE, Doc, LoadError, parse_yaml
from generator.pipeline.model import Site, split_agent_blocks

LIMIT = 100  # entries per list and feed
MAX_EVENTS = 2000  # changes read from the history at most
WATCHED = (("service", "catalog/services/", ".yaml"), ("article", "articles/", ".md"))
FROM_GIT = "git"
FROM_REVIEWS = "review-dates"
_GIT_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR",
             "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE")


# --- git -----------------------------------------------------------------------------------------

def git(root: Path, *args: str, input: bytes | None = None) -> bytes | None:
    """Output of `git -C root ARGS`, or None when git is missing or the command fails."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_VARS}
    env["LC_ALL"] = "C"
    try:
        proc = subprocess.run(["git", "-C", str(root), "-c", "core.quotePath=false", *args],
                              input=input, capture_output=True, env=env, check=False)
    except OSError:
        return None
    return proc.stdout if proc.returncode == 0 else None


def git_prefix(root: Path) -> str | None:
    """The content root's path inside its git repository ('' at the top), None outside git."""
    out = git(root, "rev-parse", "--show-prefix")
    return None if out is None else out.decode().strip()


def cat_files(root: Path, specs: list[str]) -> dict[str, bytes | None]:
    """The blobs named `REV:PATH` (repository paths), read in one `git cat-file --batch`."""
    if not specs:
        return {}
    out = git(root, "cat-file", "--batch", input="".join(s + "\n" for s in specs).encode())
    result: dict[str, bytes | None] = {s: None for s in specs}
    if out is None:
        return result
    pos = 0
    for spec in specs:
        nl = out.index(b"\n", pos)
        head = out[pos:nl].split()
        pos = nl + 1
        if len(head) == 3 and head[1] == b"blob":
            size = int(head[2])
            result[spec] = out[pos:pos + size]
            pos += size + 1
        elif len(head) == 3:  # not a blob (a tree): skip its content
            pos += int(head[2]) + 1
    return result


def parse_source(kind: str, text: str) -> tuple[dict, str] | None:
    """(data, body) of a service YAML or an article (front matter + body); None if unreadable."""
    doc = Doc("", kind, "")
    body = ""
    if kind == "article":
        lines = text.replace("\r\n", "\n").split("\n")
        if not lines or lines[0].rstrip() != "---":
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is None:
            return None
        text, body = "\n".join(lines[1:end]) + "\n", "\n".join(lines[end + 1:])
    try:
        parse_yaml(doc, text)
    except (LoadError, RecursionError, ValueError):
        return None
    return (doc.data, body) if isinstance(doc.data, dict) else None


# --- the history -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One change to one service or article in one commit, as each audience sees it."""

    date: str  # UTC, like 2026-09-20T15:04:05Z
    commit: str
    kind: str
    id: str
    title: str  # source-language title at the time
    public: str | None  # added | changed | removed, or None: residents saw no change
    agent: str | None


def _watched(path: str) -> tuple[str, str] | None:
    for kind, folder, ext in WATCHED:
        if path.startswith(folder) and path.endswith(ext):
            stem = path[len(folder):-len(ext)]
            if "/" not in stem and ID_RE.match(stem):
                return kind, stem
    return None


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _log(root: Path) -> list[tuple[str, str, str, str, str]] | None:
    """(commit, date, status, kind, id) newest first; None when there is no history to read."""
    out = git(root, "log", "--relative", "--first-parent", "--diff-merges=first-parent",
              "--name-status", "-M", "--no-color", "--format=%x01%H %cI", "--",
              *(folder for _, folder, _ in WATCHED))
    if out is None:
        return None
    boundary: set[str] = set()
    if git(root, "rev-parse", "--is-shallow-repository") == b"true\n":
        shallow = git(root, "rev-parse", "--git-path", "shallow")
        if shallow:
            path = Path(shallow.decode().strip())
            path = path if path.is_absolute() else Path(root) / path
            if path.exists():
                boundary = set(path.read_text().split())
    rows: list[tuple[str, str, str, str, str]] = []
    commit = when = ""
    for line in out.decode("utf-8", "replace").split("\n"):
        if line.startswith("\x01"):
            commit, when = line[1:].split(" ", 1)
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not commit or commit in boundary:
            continue
        status = parts[0][:1]
        if status == "R" and len(parts) == 3:
            changes = [("D", parts[1]), ("A", parts[2])]
        else:
            changes = [("M" if status == "T" else status, parts[-1])]
        for st, path in changes:
            found = _watched(path)
            if found and st in "ADM":
                rows.append((commit, _utc(when), st, *found))
        if len(rows) >= MAX_EVENTS:
            break
    return rows


def _visible(kind: str, parsed: tuple[dict, str] | None) -> bool:
    """Whether residents saw this version (an article that cannot be read counts as internal)."""
    return kind == "service" or (parsed is not None and parsed[0].get("audience", "both") != "agent")


def _view(kind: str, parsed: tuple[dict, str] | None, public: bool):
    """What an audience sees of a version: its data without the review date (and body)."""
    if parsed is None:
        return None
    data, body = parsed
    data = {k: v for k, v in data.items() if k != "review"}
    if public:
        data = schema.public_view(kind, data)
        body = split_agent_blocks(body)
    return data, body


def _title(kind: str, parsed: tuple[dict, str] | None, id_: str) -> str:
    if parsed is None:
        return id_
    value = parsed[0].get("title" if kind == "article" else "name")
    return str(value) if value else id_


def _events(root: Path) -> tuple[Event, ...] | None:
    rows = _log(root)
    if not rows:
        return None
    prefix = git_prefix(root) or ""
    folders = {kind: folder for kind, folder, _ in WATCHED}
    exts = {kind: ext for kind, _, ext in WATCHED}
    specs = []
    for commit, _, st, kind, id_ in rows:
        path = f"{prefix}{folders[kind]}{id_}{exts[kind]}"
        if st != "A":
            specs.append(f"{commit}^1:{path}")
        if st != "D":
            specs.append(f"{commit}:{path}")
    blobs = cat_files(root, sorted(set(specs)))

    def parsed(spec: str, kind: str):
        raw = blobs.get(spec)
        return parse_source(kind, raw.decode("utf-8", "replace")) if raw is not None else None

    events = []
    for commit, when, st, kind, id_ in rows:
        path = f"{prefix}{folders[kind]}{id_}{exts[kind]}"
        before = parsed(f"{commit}^1:{path}", kind) if st != "A" else None
        after = parsed(f"{commit}:{path}", kind) if st != "D" else None
        title = _title(kind, after if st != "D" else before, id_)
        if st == "A":
            agent, public = "added", "added" if _visible(kind, after) else None
        elif st == "D":
            agent, public = "removed", "removed" if _visible(kind, before) else None
        else:
            agent = "changed" if _view(kind, before, False) != _view(kind, after, False) else None
            was, now = _visible(kind, before), _visible(kind, after)
            public = None
            if was and now and _view(kind, before, True) != _view(kind, after, True):
                public = "changed"
            elif now and not was:
                public = "added"
        if agent or public:
            events.append(Event(when, commit, kind, id_, title, public, agent))
    return tuple(events) or None


@functools.lru_cache(maxsize=8)
def _cached_events(root: str, head: str) -> tuple[Event, ...] | None:
    return _events(Path(root))


def history(root: Path) -> tuple[Event, ...] | None:
    """The changes in the content's git history, newest first; None when there is none."""
    head = git(root, "rev-parse", "HEAD")
    if head is None:
        return None
    return _cached_events(str(Path(root).resolve()), head.decode().strip())


# --- entries in one language -------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    date: str  # UTC date-time, ISO 8601
    kind: str  # service | article
    id: str
    title: str
    change: str  # added | changed | removed (reviewed: from review dates)
    url: str  # absolute
    page: str | None  # docs path of the page in this site (None: no longer there)
    summary: str | None = None
    ref: str = ""  # the commit, or 'review-<date>'


def site_base(site: Site) -> str:
    """The audience root URL, like https://311.example.gov/ (as the render stage sets it)."""
    base = site.config.site_url.rstrip("/") + "/"
    if site.audience == "agent":
        base = (site.config.agent_site_url or base + "agent/").rstrip("/") + "/"
    return base


_READ = object()


def entries(site: Site, lang: str, events=_READ, limit: int = LIMIT) -> tuple[str, list[Entry]]:
    """(source, entries) of one audience's site in one language, newest first.

    `events` is the history to use (None: there is none); by default it is read from git.
    """
    if events is _READ:
        events = history(site.config.root)
    base = f"{site_base(site)}{lang}/"
    source_lang = site.config.source.code
    hidden = site.hidden_articles
    out: list[Entry] = []

    def item(kind: str, id_: str):
        return (site.services if kind == "service" else site.articles).get(id_)

    def page_of(kind: str, id_: str) -> str:
        return f"{'services' if kind == 'service' else 'answers'}/{id_}.md"

    if events:
        for ev in events:
            change = ev.public if site.audience == "public" else ev.agent
            if not change or (ev.kind == "article" and ev.id in hidden):
                continue
            current = item(ev.kind, ev.id)
            if current is not None and change != "removed":
                title = current.name if ev.kind == "service" else current.title
                summary = current.summary
                page = page_of(ev.kind, ev.id)
                url = f"{base}{page[:-3]}/"
            else:
                title = ev.title if lang == source_lang else Fallback(ev.title, source_lang)
                summary, page, url = None, None, f"{base}a-z/"
            out.append(Entry(ev.date, ev.kind, ev.id, title, change, url, page, summary, ev.commit))
            if len(out) >= limit:
                break
        return FROM_GIT, out
    for kind, items in (("service", site.services), ("article", site.articles)):
        for id_, it in items.items():
            if it.review is None:
                continue
            page = page_of(kind, id_)
            day = it.review.last_reviewed.isoformat()
            out.append(Entry(f"{day}T00:00:00Z", kind, id_,
                             it.name if kind == "service" else it.title, "reviewed",
                             f"{base}{page[:-3]}/", page, it.summary, f"review-{day}"))
    out.sort(key=lambda e: (e.date, e.kind, e.id), reverse=True)
    return FROM_REVIEWS, out[:limit]


def generated_at(events: tuple[Event, ...] | None) -> str:
    """SOURCE_DATE_EPOCH when set, else the newest change to the content, else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if events:
        return max(e.date for e in events)
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- output ----------------------------------------------------------------------------------------

def _xml(value) -> str:
    s = "" if value is None else str(value)
    s = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _feed_env(gettext_obj) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates"),
                             autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(gettext_obj, newstyle=True)
    env.filters["x"] = _xml
    return env


def _tag_uri(base: str, day: str, specific: str) -> str:
    host = urlsplit(base).hostname or "localhost"
    return f"tag:{host},{day}:{specific}"


def atom(site: Site, lang: str, source: str, items: list[Entry], gettext_obj, self_url: str,
         updated: str) -> str:
    """The Atom feed of one audience in one language."""
    base = site_base(site)
    language = site.config.language(lang)
    env = _feed_env(gettext_obj)
    ids = [_tag_uri(base, e.date[:10], f"{site.audience}/{lang}/{e.kind}/{e.id}/{e.ref}")
           for e in items]
    return env.get_template("feeds/changes.xml.j2").render(
        site=site, lang=lang, language=language, source=source, entries=list(zip(items, ids)),
        feed_id=self_url, self_url=self_url, home=f"{base}{lang}/", updated=updated,
        city=site.config.city)


def write_language(site: Site, lang: str, stage: Path, events, root: bool) -> tuple[list[Path], dict]:
    """<lang>/changes.xml (and changes.xml at the audience root when `root`); returns the files
    written outside <lang>/ and this language's part of changes.json."""
    config = site.config
    source, items = entries(site, lang, events)
    stamp = generated_at(events if source == FROM_GIT else None)
    updated = max((e.date for e in items), default=stamp)
    messages = interface_translations(config.root, lang, config.source.code)
    base = site_base(site)
    targets = [(stage / lang / "changes.xml", f"{base}{lang}/changes.xml")]
    if root:
        targets.append((stage / "changes.xml", f"{base}changes.xml"))
    for path, url in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(atom(site, lang, source, items, messages, url, updated), "utf-8")
    part = {"from": source, "items": [{"date": e.date, "kind": e.kind, "id": e.id,
                                       "title": str(e.title), "change": e.change, "url": e.url}
                                      for e in items]}
    return [path for path, _ in targets[1:]], part


def write_index(site: Site, stage: Path, langs: list[str], parts: dict[str, dict], events) -> None:
    """changes.json at the audience root: every built language's entries."""
    source = parts[langs[0]]["from"]
    doc = {
        "version": 1, "generated_at": generated_at(events if source == FROM_GIT else None),
        "audience": site.audience, "from": source,
        "languages": {lang: parts[lang]["items"] for lang in langs},
    }
    (stage / "changes.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")


def whats_new_page(renderer):
    """The agent site's "What's new" page (a render.Page), from the same entries as the feed."""
    site, lang = renderer.site, renderer.lang
    source, items = entries(site, lang)
    zone = ZoneInfo(site.config.timezone)
    days: dict[date, list[Entry]] = {}
    for e in items:
        day = datetime.fromisoformat(e.date.replace("Z", "+00:00")).astimezone(zone).date()
        days.setdefault(day, []).append(e)
    return renderer.page("whats-new.md", "pages/whats-new.md.j2",
                         {"title": renderer._("What's new")},
                         source=source, days=list(days.items()))

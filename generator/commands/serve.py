"""Live preview: one language and audience, up to date about a second after an edit.

mkdocs' own live-reload server serves the preview; its builder runs our pipeline into a
temporary folder. A content error is printed with its place and the last good preview stays up.
The real output folder (site/) is never touched.

mkdocs renders every page of a project on each build, which takes minutes for a large city, so
the preview keeps its mkdocs project and its site between edits and brings up to date only what
an edit can reach. Content is read again only for the files that changed. An edit to a service,
a department or an answer renders again (as Markdown) the pages of the changed files, every page
that links to one of them (a department lists its services, an answer the services it is about,
a service its related services), every page the changed pages link to now (the new department
of a service that moved), the service's group, the home page and the A to Z; mkdocs then builds
only the pages whose Markdown changed (in a small project of their own), and the search index is
made again from the model. An edit to the settings, the translations, the theme or the calendar,
or one that changes the navigation, builds the whole preview again.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import tempfile
import time
from pathlib import Path

import click
import yaml

from generator.engine import engines
from generator.engine.mkdocs import page_url
from generator.errors import ContentError, KbError
from generator.formats import changes, console_data
from generator.pipeline import safety
from generator.pipeline.build import check
from generator.pipeline.model import Memo, build_site
from generator.pipeline.render import Renderer, group_slugs, project_yaml, write_project
from generator.pipeline.translate import in_language
from generator.search import index as search_index_v2

WATCHED = ("mkdocs.yml", "catalog", "articles", "translations", "theme")
# Files whose edit reaches the pages the preview can find by their links; anything else
# (settings, translations, theme, calendar) builds the whole preview again.
_PAGE_OF = (("catalog/services/", ".yaml", "services/"), ("catalog/departments/", ".yaml", "departments/"),
            ("articles/", ".md", "answers/"))
_LINK = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)]*)?\)")
_LINK_TO_PAGE = re.compile(r"\]\(([^)\s#]+\.md)(#[^)]*)?\)")


class Preview:
    """The preview of one language and audience in `work` (site in work/site)."""

    def __init__(self, root: Path, lang: str | None, audience: str, work: Path,
                 engine: str = engines.DEFAULT):
        self.root, self.lang, self.audience, self.work = Path(root), lang, audience, work
        self.engine = engine
        self.mark = safety.new_mark()  # the secret of the markers around content
        self.site_dir = work / "site"
        self.project_dir = work / "project"
        self.docs: dict = {}  # load.load_tree's cache
        self.pages: dict[str, str] = {}  # docs path -> the Markdown in the project
        self.linked_from: dict[str, set[str]] = {}  # docs path -> the pages that link to it
        self.files: dict[str, tuple[int, int]] = {}  # watched file -> (mtime, size)
        self.built = False
        self.site = None  # the model the preview shows
        self.built_lang = ""
        # The model and its translation: made again for changed files only
        self.models, self.translations = Memo(), Memo()

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        out = {}
        for name in WATCHED:
            base = self.root / name
            try:
                paths = [base] if base.is_file() else list(base.rglob("*")) if base.is_dir() else []
            except OSError:  # a folder gone while it was listed: the next event lists it again
                paths = []
            for path in paths:
                if any(part.startswith(".") for part in path.relative_to(base).parts):
                    continue  # kb reads no hidden file (an editor's temporary file, .git)
                try:
                    if path.is_file():
                        st = path.stat()
                        out[path.relative_to(self.root).as_posix()] = (st.st_mtime_ns, st.st_size)
                except OSError:  # gone since it was listed (an editor's temporary file)
                    continue
        return out

    def update(self) -> int:
        """Bring the preview up to date; returns the number of pages rendered again."""
        files = self._snapshot()
        changed = {p for p in files.keys() | self.files.keys() if files.get(p) != self.files.get(p)}
        read = {rel: entry[1] for rel, entry in self.docs.items()}
        checked = check(self.root, cache=self.docs)  # a content error stops here
        # and what was read again and differs, though its stamp did not (two saves in one tick)
        changed |= {rel for rel, entry in self.docs.items() if read.get(rel) is not entry[1]}
        config = checked.config
        lang = self.lang or config.source.code
        if lang not in [lg.code for lg in config.languages]:
            raise KbError(f"--lang {lang}: not a language of this site")
        source = build_site(checked.tree, config, self.audience, self.models)
        site, messages = in_language(source, lang, self.translations)
        self.site = site
        self.built_lang = lang
        whats_new = changes.entries(site, lang) if self.audience == "agent" else None
        renderer = Renderer(site, lang, messages, group_slugs(source, site), whats_new, self.mark)
        targets = None if not self.built else self._reached(changed, renderer)
        if targets is not None:
            yaml_text = project_yaml(renderer, self.project_dir, self.site_dir, config.root,
                                     self.work / "templates")
            if yaml_text != (self.project_dir / "mkdocs.yml").read_text("utf-8"):
                targets = None  # the navigation or the settings changed
        if targets is None:
            rendered = self._full(site, source, lang, messages, whats_new)
        else:
            rendered = self._partial(renderer, targets)
        # the search boxes and the console rank over the index, in the preview's folder
        search_index_v2.write_language(site, lang, self.site_dir)
        console_data.write_language(site, lang, self.site_dir, [lang],  # alerts.json, console.json
                                    index=f"api/v2/{lang}/search.json")
        self.files, self.built = files, True
        return rendered

    def _full(self, site, source, lang, messages, whats_new) -> int:
        shutil.rmtree(self.project_dir, ignore_errors=True)
        shutil.rmtree(self.site_dir, ignore_errors=True)
        project = write_project(site, source, lang, messages, site.config.root, self.project_dir,
                                self.site_dir, self.work / "templates", whats_new, self.mark)
        self.pages = {}
        self.linked_from = {}
        for page in project.pages:
            self._set(page.path, page.text)
        self._mkdocs()
        shutil.rmtree(self.work / "pages", ignore_errors=True)
        self._build_pages(set())  # the small project's stand-ins and theme, ready for an edit
        # and a rehearsal of an edit (one page built again as it is), so that the first real one
        # finds mkdocs, Markdown and the page templates loaded and compiled
        sample = next((p for p in sorted(self.pages) if p.startswith("services/")), None)
        if sample:
            self._build_pages({sample})
        return len(self.pages)

    def _reached(self, changed: set[str], renderer: Renderer) -> tuple[set[str], set[str]] | None:
        """The docs pages of the `changed` files, and the other pages their edit can reach
        (None: every page)."""
        pages = set()
        for path in changed:
            for folder, ext, docs in _PAGE_OF:
                if path.startswith(folder) and path.endswith(ext) and "/" not in path[len(folder):]:
                    pages.add(docs + path[len(folder):-len(ext)] + ".md")
                    break
            else:
                if not path.startswith("catalog/alerts/"):  # alerts are data, not pages
                    return None
        paths = set(renderer.paths())
        reached = (paths - self.pages.keys()) | (self.pages.keys() - paths)  # new pages, gone pages
        if not pages and not reached:
            return set(), set()
        reached |= {"index.md", "a-z.md"}
        if any(p.startswith("a-z/") for p in reached):  # a letter came or went: every letter's
            reached |= {p for p in paths if p.startswith("a-z/")}  # page lists the letters
        for path in pages:  # pages that link to a changed page
            reached |= self.linked_from.get(path, set())
        for path in pages:  # the lists it is on now: its department, its group, its letter
            sid = path[len("services/"):-3] if path.startswith("services/") else None
            if sid in renderer.site.services:
                svc = renderer.site.services[sid]
                reached |= {f"departments/{svc.department}.md", f"groups/{renderer.groups[svc.group]}.md"}
            letter = renderer.letter_page_of(path)
            if letter:
                reached.add(letter)
        # A long list's entries move from page to page when one comes, goes or is renamed.
        bases = {_list_base(p) for p in reached | pages} - {None}
        reached |= {p for p in paths | self.pages.keys() if _list_base(p) in bases}
        return pages, reached - pages

    def _partial(self, renderer: Renderer, targets: tuple[set[str], set[str]]) -> int:
        edited, reached = targets
        seen: set[str] = set()
        written: set[str] = set()
        todo = sorted(edited | reached)
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            page = renderer.render(path)
            if page is None:
                self._remove(path)
                continue
            if path in edited:  # the pages an edited page links to now (its new department)
                todo += [p for p in _links(path, page.text) if p not in seen]
            if self.pages.get(path) == page.text:
                continue
            target = self.project_dir / "docs" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.text, "utf-8")
            self._set(path, page.text)
            written.add(path)
        if written:
            self._build_pages(written)
        return len(written)

    def _set(self, path: str, text: str | None) -> None:
        """Keep a page's Markdown (None: the page is gone) and the index of links to pages."""
        if path in self.pages:
            for target in _links(path, self.pages.pop(path)):
                self.linked_from.get(target, set()).discard(path)
        if text is not None:
            self.pages[path] = text
            for target in _links(path, text):
                self.linked_from.setdefault(target, set()).add(path)

    def _remove(self, path: str) -> None:
        if path in self.pages:
            self._set(path, None)
            (self.project_dir / "docs" / path).unlink(missing_ok=True)
            shutil.rmtree(self.site_dir / page_url(path), ignore_errors=True)

    def _mkdocs(self) -> None:
        """Build the whole preview with the engine, then make its pages safe and right."""
        for warning in engines.build(self.engine, str(self.project_dir / "mkdocs.yml")):
            click.echo(f"{self.engine}: {warning}", err=True)
        self._finish(list(self.pages), not_found=True)

    def _finish(self, pages: list[str], not_found: bool = False) -> None:
        config = self.site.config
        safety.finish_site(self.site_dir, sorted(pages), config.language(self.built_lang).dir,
                           config.base_url(self.audience), self.mark, not_found)

    def _build_pages(self, written: set[str]) -> None:
        """Build only the `written` pages: mkdocs' work grows with the pages of a project (it
        lists, places and checks every page even when it renders few), so they go into a small
        project of their own beside the pages of the navigation (as short stand-ins, built once),
        with every other link already the address it has in the preview; their HTML then joins
        the preview's. Other engines than mkdocs build the whole preview again."""
        if self.engine != "mkdocs":
            if written:
                self._mkdocs()
            return
        from mkdocs.structure.files import File
        from mkdocs.utils import get_relative_url

        small = self.work / "pages"
        docs = small / "docs"
        config = yaml.safe_load((self.project_dir / "mkdocs.yml").read_text("utf-8"))
        in_nav = set(_nav_pages(config["nav"]))
        keep = written | in_nav
        for old in list(docs.rglob("*.md")) if docs.is_dir() else []:
            if old.relative_to(docs).as_posix() not in keep:
                old.unlink()
        url: dict[str, str] = {}  # docs path -> the URL mkdocs gives it

        def address(path: str) -> str:
            if path not in url:
                url[path] = File(path, "", "", True).url
            return url[path]

        for path in sorted(keep):
            if path in written:
                def relink(m: re.Match, path=path) -> str:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(path), m.group(1)))
                    if target in keep or target not in self.pages:
                        return m.group(0)
                    return f"]({get_relative_url(address(target), address(path))}{m.group(2) or ''})"

                text = _LINK_TO_PAGE.sub(relink, self.pages[path])
            else:  # a stand-in: only its place in the navigation matters here
                text = "---\nsearch: {exclude: true}\n---\n"
            out = docs / path
            if out.is_file() and out.read_text("utf-8") == text and path not in written:
                continue  # built once already; mkdocs' dirty build leaves it
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, "utf-8")
        config.update(site_dir=str(small / "site"))
        small.mkdir(parents=True, exist_ok=True)
        (small / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        if not (small / "theme").exists():
            (small / "theme").symlink_to(self.project_dir / "theme", target_is_directory=True)
        for path in written:  # rendered whatever their HTML's age
            (small / "site" / address(path) / "index.html").unlink(missing_ok=True)
        for warning in engines.mkdocs_build(str(small / "mkdocs.yml"), dirty=True):
            click.echo(f"mkdocs: {warning}", err=True)
        for path in written:
            target = self.site_dir / address(path) / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(small / "site" / address(path) / "index.html", target)
        self._finish(list(written))


def _nav_pages(items) -> list[str]:
    out = []
    for item in items:
        (_, value), = item.items()
        out += _nav_pages(value) if isinstance(value, list) else [value]
    return out


def _watch(root: Path, changed) -> object:
    """Call `changed()` on every write under the watched content. The system tells of changes
    (inotify on Linux), and only writes are reported: mkdocs' own watcher looks at every file five
    times a second, which on thousands of files costs the preview a fifth of a core, and a
    watcher that also reported files being read would rebuild the preview after each rebuild
    (which reads the changed files)."""
    import inspect

    from watchdog import events
    from watchdog.observers import Observer

    writes = (events.FileModifiedEvent, events.FileCreatedEvent, events.FileDeletedEvent,
              events.FileMovedEvent, events.FileClosedEvent)

    class Writes(events.FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if isinstance(event, writes):
                changed()

    observer = Observer()
    # where watchdog can, the system is asked for writes only (fewer events to wake for)
    kw = ({"event_filter": list(writes)}
          if "event_filter" in inspect.signature(observer.schedule).parameters else {})
    for name in WATCHED:
        if (root / name).exists():
            observer.schedule(Writes(), str(root / name), recursive=(root / name).is_dir(), **kw)
    return observer


def _signal(folder: Path) -> None:
    """A new file in `folder` (a new inode: no clock granularity can hide it from a poll)."""
    fresh = folder / "next"
    fresh.write_text(str(time.time_ns()), "utf-8")
    fresh.replace(folder / "changed")


def _list_base(path: str) -> str | None:
    """The list a page belongs to: 'departments/x.md' and 'departments/x/2.md' -> 'departments/x'
    (a department's services, a group, a letter of the A to Z); None for other pages."""
    folder, _, name = path.rpartition("/")
    if name[:-3].isdigit() and folder.partition("/")[0] in ("departments", "groups", "a-z"):
        return folder
    if folder in ("departments", "groups", "a-z"):
        return path[:-3]
    return None


def _links(path: str, text: str) -> set[str]:
    """The docs pages a page's Markdown links to."""
    here = posixpath.dirname(path)
    return {posixpath.normpath(posixpath.join(here, m.group(1))) for m in _LINK.finditer(text)}


def serve(root: Path, lang: str | None, audience: str, port: int,
          engine: str = engines.DEFAULT) -> None:
    from mkdocs.livereload import LiveReloadServer

    root = Path(root).resolve()
    work = Path(tempfile.mkdtemp(prefix="kb-serve-"))
    engines.check_installed(engine)
    state = Preview(root, lang, audience, work, engine)

    def rebuild() -> None:
        start = time.perf_counter()
        try:
            n = state.update()
            click.echo(f"Preview updated: {n} page{'s' if n != 1 else ''} in "
                       f"{time.perf_counter() - start:.1f} s.", err=True)
        except ContentError as exc:
            exc.show()
            click.echo("The preview still shows the last version without errors.", err=True)

    try:
        state.update()  # errors stop here, exit 1
        # The server watches one folder of one file, polled 20 times a second (a stat or two);
        # kb's own watcher, told of edits by the system, writes that file when content changes.
        signals = work / "signals"
        signals.mkdir()
        _signal(signals)
        server = LiveReloadServer(builder=rebuild, host="127.0.0.1", port=port,
                                  root=str(state.site_dir), polling_interval=0.05)
        server.build_delay = 0.05  # an editor's save is over in a few milliseconds
        server.watch(str(signals))
        watcher = _watch(root, lambda: _signal(signals))
        watcher.start()
        click.echo(f"Previewing {audience} site ({state.built_lang}) at "
                   f"http://127.0.0.1:{port}/ — edit content and the page reloads. Ctrl+C stops.",
                   err=True)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            watcher.stop()
            server.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)

"""Render stage: one plain mkdocs project per language and audience.

Each project is a docs tree of generated Markdown pages and a small ``mkdocs.yml`` that inherits
the city's own (``INHERIT``) and sets what the build needs: where to write, the language, the
theme folder (with kb's search box, not the engine's search) and a navigation of department pages
only (so build time and page size grow linearly with the catalog). Nothing here touches the
output folder.

Escaping: plain-text fields go through the ``text`` filter (HTML-escaped, Markdown characters
backslash-escaped), so a department cannot inject markup through a name or a summary. Markdown
fields go through ``md``, which resolves ``service:`` and ``article:`` links; their rendered HTML
is sanitised by the build hook.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import yaml

from generator.clock import today
from generator.errors import Problems
from generator.i18n.locale import (
    Fallback,
    Formatter,
    interface_strings,
    language_partial,
)
from generator.pipeline import contentfiles, jsonld, markup
from generator.pipeline.model import DAYS, Article, Department, Service, Site

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, when PyYAML has it
ENGINE = Path(__file__).parent.parent / "engine"
HOOKS = ENGINE / "hooks.py"
PACKAGE_THEME = ENGINE / "theme"
# The content's extensions, in mkdocs.yml's order and form, with the pages' table of contents.
MARKDOWN_EXTENSIONS = [
    *markup.EXTENSIONS[:5], {"toc": {"permalink": False}},
    *[{name: {}} if name == "pymdownx.superfences" else name for name in markup.EXTENSIONS[5:]],
]
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}!#+\-.>~])")
_ENTITY_ESCAPED = re.compile(r"&\\#(x[0-9a-fA-F]+|[0-9]+);")


def theme_text(value):
    """Plain text the theme prints around the pages' Markdown (titles, the navigation, the site
    name, interface strings), escaped for HTML here: the engines print these values as they are
    (with Jinja's autoescaping off), so kb escapes them itself, whatever engine builds the pages.
    Lists and dicts are escaped value by value."""
    if isinstance(value, dict):
        return {k: theme_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [theme_text(v) for v in value]
    if not isinstance(value, str):
        return value
    return html.escape(str(value), quote=False).replace('"', "&quot;")  # ' stays: What's new


def esc_text(value) -> str:
    """Plain text for a Markdown page: no HTML, no Markdown, no surprises."""
    if value is None:
        return ""
    s = html.escape(str(value), quote=True).replace("|", "&#124;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _ENTITY_ESCAPED.sub(r"&#\1;", s)  # "wasn't" -> "wasn&#x27;t", not "wasn&\#x27;t"
    s = re.sub(r"\s*\n\s*", " ", s)
    if isinstance(value, Fallback):
        note = (f' <span class="kb-fallback-note" data-search-exclude>{html.escape(value.notice)}'
                f'</span>') if value.notice else ""
        return (f'<span lang="{value.lang}" dir="{value.dir}" class="kb-untranslated">{s}</span>'
                f'{note}')
    return s


# Up to this many services and answers, the A to Z is one page; above, a page per letter
# (a page of 3,000 entries is 600 KB: too much for a phone).
A_TO_Z_ONE_PAGE = 400


# A list longer than this (a department's services, a group, a letter of the A to Z) goes on
# over further pages: a page should stay under 60 KB on a phone.
LIST_PAGE = 60


def _chunks(entries: list) -> list[list]:
    return [entries[i:i + LIST_PAGE] for i in range(0, len(entries), LIST_PAGE)] or [[]]


def letter_slug(letter: str) -> str:
    """The address of a letter's A to Z page: 'b', '0-9', or the code point ('u0628')."""
    if letter == "0–9":
        return "0-9"
    if "a" <= letter.lower() <= "z" and letter.isascii():
        return letter.lower()
    return "u" + "".join(f"{ord(c):04x}" for c in letter)


def esc_attr(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def slug(text: str) -> str:
    """A URL-safe id from a source-language name ('Streets and sidewalks' -> 'streets-and-sidewalks')."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:64].strip("-") or "group"


def sort_key(text: str):
    s = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(c for c in s if not unicodedata.combining(c))


def tel(number: str | None) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", number or "")


@dataclass
class Page:
    path: str  # docs-relative, like services/pothole-repair.md
    text: str


@dataclass
class Project:
    """A plain mkdocs project on disk."""

    lang: str
    audience: str
    dir: Path
    site_dir: Path
    pages: list[Page] = field(default_factory=list)

    @property
    def config_file(self) -> Path:
        return self.dir / "mkdocs.yml"


def console_strings(gettext_obj, of: str = "console") -> dict[str, str]:
    """The console's (or the feedback form's) interface strings in one language (from
    templates/console/strings.json.j2 or templates/feedback/strings.json.j2)."""
    return json.loads(_env(gettext_obj).get_template(f"{of}/strings.json.j2").render())


@lru_cache(maxsize=16)
def _env(gettext_obj) -> jinja2.Environment:
    """The page templates with one language's messages (compiled once per process)."""
    loader = jinja2.PackageLoader("generator", "templates")
    env = jinja2.Environment(loader=loader, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(gettext_obj, newstyle=True)
    env.filters["text"] = esc_text
    env.filters["attr"] = esc_attr
    env.filters["tel"] = tel
    return env


class Renderer:
    """Renders the pages of one (translated) site model in one language."""

    def __init__(self, site: Site, lang: str, gettext_obj, groups: dict[str, str],
                 changes: tuple[str, list] | None = None, mark: str = ""):
        self.site = site
        self.mark = mark  # the secret of the markers around content (pipeline/safety.py)
        self.changes = changes  # the agent site's "What's new": (where from, entries)
        self.lang = lang
        self.language = site.config.language(lang)
        self.words = interface_strings(gettext_obj)  # templates/interface/strings.json.j2
        self.fmt = Formatter(self.language, self.words, site.config.currency)
        self.env = _env(gettext_obj)
        self.env.globals["review_as_of"] = today(site.config.timezone)  # the overdue badge
        self.gettext_obj = gettext_obj
        self.groups = groups  # translated group name -> slug of the source name
        self.page_path = ""
        self._hours: dict[str, list[tuple[str, str]]] = {}

    # --- links ----------------------------------------------------------------------------------

    def link(self, target: str) -> str:
        """A relative link from the page being rendered to another docs page."""
        return posixpath.relpath(target, posixpath.dirname(self.page_path) or ".")

    def md(self, text: str | None) -> str:
        """Markdown content with service: and article: links resolved for this site."""
        if not text:
            return ""
        out = markup.resolve_links(str(text), self.site.has_page,
                                   lambda kind, id_: self.link(f"{markup.FOLDERS[kind]}/{id_}.md"))
        if isinstance(text, Fallback):
            return (f'<div lang="{text.lang}" dir="{text.dir}" class="kb-untranslated" markdown>'
                    f'\n\n{out}\n\n</div>')
        return out

    def url(self, rel: str) -> str:
        """The absolute address of a page of this language's site."""
        return f"{self.site.config.base_url(self.site.audience)}{self.lang}/{rel}"

    # --- page helpers ----------------------------------------------------------------------------

    def hours_rows(self, dept: Department) -> list[tuple[str, str]]:
        if dept.id not in self._hours:  # every service page shows its department's hours
            self._hours[dept.id] = self._hours_rows(dept)
        return self._hours[dept.id]

    def _hours_rows(self, dept: Department) -> list[tuple[str, str]]:
        if not dept.hours:
            return []
        rows = []
        for i, ranges in enumerate(dept.hours.days):
            if not ranges:
                value = self.words["closed"]
            else:
                value = ", ".join(f"{self.fmt.time(a)}–{self.fmt.time(b)}" for a, b in ranges)
                if ranges == (("00:00", "24:00"),):
                    value = self.words["open_24_hours"]
            rows.append((self.fmt.day(i), value))
        return rows

    def response_time(self, svc: Service) -> str:
        if not svc.response_time:
            return ""
        value, unit = svc.response_time
        n = self.fmt.number(value)
        count = int(value) if float(value).is_integer() else 2
        return self.env.get_template("interface/duration.j2").render(unit=unit, count=count, num=n)

    def context(self) -> dict:
        site = self.site
        return {
            "site": site, "config": site.config, "lang": self.lang, "audience": site.audience,
            "agent": site.audience == "agent", "link": self.link, "md": self.md,
            "fmt": self.fmt, "hours_rows": self.hours_rows, "response_time": self.response_time,
            "group_slug": lambda g: self.groups[g], "DAYS": DAYS,
        }

    def page(self, path: str, template: str, front: dict, jsonld: dict | None = None,
             **values) -> Page:
        self.page_path = path
        body = self.env.get_template(template).render(**self.context(), **values)
        # No engine indexes a page (its text would not be cleaned): kb's search index is written
        # from the model (search/index.py)
        front = {**front, "search": {"exclude": True}}
        front.setdefault("description", str(front["title"]))  # in the page's language
        front["kb_head"] = head_meta(front["title"], front["description"], jsonld)
        front["title"], front["description"] = (theme_text(str(front["title"])),
                                                theme_text(str(front["description"])))
        head = yaml.dump(front, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
        return Page(path, f"---\n{head}---\n\n{body}")

    # --- pages ----------------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        return [self.render(path) for path in self.paths()]

    def paths(self) -> list[str]:
        """Every page of the site, docs-relative."""
        site = self.site
        paths = ["index.md", "a-z.md"]
        if self._split_a_to_z:
            paths += [f"a-z/{letter_slug(letter)}.md" for letter in self._letters]
        paths += [f"groups/{self.groups[name]}.md" for name in sorted(self._by_group, key=sort_key)]
        paths += [f"services/{sid}.md" for sid in site.services]
        paths += [f"departments/{did}.md" for did in site.departments]
        paths += [f"answers/{aid}.md" for aid in site.articles]
        for base, (_, entries) in self._lists.items():  # the further pages of long lists
            paths += [f"{base}/{n}.md" for n in range(2, len(_chunks(entries)) + 1)]
        if site.audience == "agent":
            paths += ["transfers.md", "whats-new.md"]
        return paths

    def render(self, path: str) -> Page | None:
        """The page at `path` (None: this site has no such page)."""
        site = self.site
        folder, _, name = path.rpartition("/")
        ident = name[:-3]
        if path == "index.md":
            return self.home()
        if path == "a-z.md":
            return self.a_to_z()
        if ident.isdigit() and folder in self._lists:
            return self.list_page(folder, int(ident))
        if folder == "a-z":
            return self.letter_page(ident)
        if folder == "groups":
            group = next((g for g in self._by_group if self.groups[g] == ident), None)
            if group is None:
                return None
            base = f"groups/{ident}"
            return self.page(path, "pages/group.md.j2", {"title": str(group)}, name=group,
                             entries=_chunks(self._lists[base][1])[0], pager=self._pager(base, 1))
        if folder == "services":
            return self.service(site.services[ident]) if ident in site.services else None
        if folder == "departments":
            return self.department(site.departments[ident]) if ident in site.departments else None
        if folder == "answers":
            return self.article(site.articles[ident]) if ident in site.articles else None
        if site.audience == "agent" and path == "transfers.md":
            return self.page("transfers.md", "pages/transfers.md.j2",
                             {"title": self.words["transfer_directory"]},
                             departments=self.departments_sorted())
        if site.audience == "agent" and path == "whats-new.md":
            return self.whats_new()
        return None

    def whats_new(self) -> Page:
        """The agent site's "What's new" page, from the same entries as the changes feed."""
        source, items = self.changes or ("", [])
        zone = ZoneInfo(self.site.config.timezone)
        days: dict[date, list] = {}
        for e in items:
            day = datetime.fromisoformat(e.date.replace("Z", "+00:00")).astimezone(zone).date()
            days.setdefault(day, []).append(e)
        return self.page("whats-new.md", "pages/whats-new.md.j2", {"title": self.words["whats_new"]},
                         source=source, days=list(days.items()))

    # --- long lists: a department's services, a group, a letter of the A to Z -------------------

    @cached_property
    def _lists(self) -> dict[str, tuple[str, list[tuple[str, str, str]]]]:
        """The docs path of every list's first page (without '.md') -> (title, entries); each
        entry is (title, page, summary). A list longer than LIST_PAGE has further pages at
        <path>/2.md, <path>/3.md..."""
        def entries(services) -> list[tuple[str, str, str]]:
            return [(s.name, f"services/{s.id}.md", s.summary)
                    for s in sorted(services, key=lambda s: sort_key(s.name))]

        out = {f"departments/{d.id}": (str(d.name), entries(self.site.services_of(d.id)))
               for d in self.site.departments.values()}
        out.update({f"groups/{self.groups[g]}": (str(g), entries(services))
                    for g, services in self._by_group.items()})
        if self._split_a_to_z:
            out.update({f"a-z/{letter_slug(lt)}": (f"{self.words['a_to_z']}: {lt}", e)
                        for lt, e in self._letters.items()})
        return out

    def _pager(self, base: str, current: int) -> list[tuple[int, str, bool]] | None:
        """(number, page, is this one) of the pages of a list; None when it has one page."""
        count = len(_chunks(self._lists[base][1]))
        if count < 2:
            return None
        return [(n, f"{base}.md" if n == 1 else f"{base}/{n}.md", n == current)
                for n in range(1, count + 1)]

    def list_page(self, base: str, number: int) -> Page | None:
        """Page `number` (2 and on) of a long list."""
        title, entries = self._lists[base]
        chunks = _chunks(entries)
        if not 2 <= number <= len(chunks):
            return None
        heading = self.words["list_page"] % {
            "name": title, "page": self.fmt.number(number), "pages": self.fmt.number(len(chunks))}
        return self.page(f"{base}/{number}.md", "pages/list.md.j2", {"title": heading},
                         heading=heading, entries=chunks[number - 1], pager=self._pager(base, number))

    @cached_property
    def _by_group(self) -> dict[str, list[Service]]:
        by_group: dict[str, list[Service]] = {}
        for svc in self.site.services.values():
            by_group.setdefault(svc.group, []).append(svc)
        return by_group

    def departments_sorted(self) -> list[Department]:
        return sorted(self.site.departments.values(), key=lambda d: (d.kind != "city", sort_key(d.name)))

    def home(self) -> Page:
        site = self.site
        groups: dict[str, int] = {}
        for svc in site.services.values():
            groups[svc.group] = groups.get(svc.group, 0) + 1
        emergencies = sorted((s for s in site.services.values() if s.emergency),
                             key=lambda s: sort_key(s.name))
        return self.page("index.md", "pages/home.md.j2",
                         {"title": str(site.config.city),
                          "description": self.words["city_services"] % {
                              "city": site.config.city},
                          "template": "kb-console.html" if site.audience == "agent" else "kb-home.html",
                          "hide": ["navigation", "toc"]},
                         groups=sorted(groups.items(), key=lambda kv: sort_key(kv[0])),
                         departments=self.departments_sorted(), emergencies=emergencies)

    def a_to_z(self) -> Page:
        """The A to Z: one page, or for a large catalog the list of letters (each has a page)."""
        letters = self._letters
        front = {"title": self.words["a_to_z"]}
        if not self._split_a_to_z:
            return self.page("a-z.md", "pages/a-z.md.j2", front, letters=letters, index=None)
        index = [(letter, f"a-z/{letter_slug(letter)}.md", len(entries))
                 for letter, entries in letters.items()]
        return self.page("a-z.md", "pages/a-z.md.j2", front, letters=None, index=index)

    def letter_page(self, slug: str) -> Page | None:
        letter = next((lt for lt in self._letters if letter_slug(lt) == slug), None)
        if letter is None or not self._split_a_to_z:
            return None
        base = f"a-z/{slug}"
        index = [(lt, f"a-z/{letter_slug(lt)}.md", len(e)) for lt, e in self._letters.items()]
        return self.page(f"{base}.md", "pages/a-z-letter.md.j2", {"title": self._lists[base][0]},
                         letter=letter, entries=_chunks(self._letters[letter])[0], index=index,
                         pager=self._pager(base, 1))

    def letter_page_of(self, path: str) -> str | None:
        """The A to Z page that lists the page at `path` (None: the A to Z is one page)."""
        if not self._split_a_to_z:
            return None
        return next((f"a-z/{letter_slug(letter)}.md" for letter, entries in self._letters.items()
                     if any(target == path for _, target, _ in entries)), None)

    @cached_property
    def _split_a_to_z(self) -> bool:
        return sum(len(e) for e in self._letters.values()) > A_TO_Z_ONE_PAGE

    @cached_property
    def _letters(self) -> dict[str, list[tuple[str, str, str]]]:
        """Letter -> (title, page, summary) of every service and answer, in the language's order."""
        entries = [(s.name, f"services/{s.id}.md", s.summary) for s in self.site.services.values()]
        entries += [(a.title, f"answers/{a.id}.md", a.summary or "") for a in self.site.articles.values()]
        # "¿Necesito un permiso?" files under N: leading punctuation does not count
        def key(text) -> str:
            return re.sub(r"^\W+", "", sort_key(text)) or sort_key(text)

        entries.sort(key=lambda e: key(e[0]))
        letters: dict[str, list] = {}
        for e in entries:
            first = key(e[0])[:1].upper() or "#"
            letters.setdefault(first if first.isalpha() else "0–9", []).append(e)
        return letters

    def service(self, svc: Service) -> Page:
        site = self.site
        dept = site.departments[svc.department]
        related = [site.services[r] for r in svc.related if r in site.services]
        front = {"title": str(svc.name), "description": str(svc.summary)}
        ld = jsonld.service(svc, dept, site.config, self.url(f"services/{svc.id}/"),
                            self.url(f"departments/{dept.id}/")) if site.audience == "public" else None
        return self.page(f"services/{svc.id}.md", "pages/service.md.j2", front, jsonld=ld, s=svc, dept=dept,
                         related=related, articles=site.articles_about(svc.id),
                         transfer_dept=site.departments.get(svc.agent.transfer.to)
                         if svc.agent and svc.agent.transfer else None)

    def department(self, dept: Department) -> Page:
        base = f"departments/{dept.id}"
        front = {"title": str(dept.name)}
        if dept.description:
            front["description"] = str(dept.description)
        ld = jsonld.organization(dept, self.site.config, self.url(f"departments/{dept.id}/")) \
            if self.site.audience == "public" else None
        return self.page(f"{base}.md", "pages/department.md.j2", front, jsonld=ld, d=dept,
                         entries=_chunks(self._lists[base][1])[0], pager=self._pager(base, 1))

    def article(self, art: Article) -> Page:
        services = [self.site.services[s] for s in art.services if s in self.site.services]
        front = {"title": str(art.title)}
        if art.summary:
            front["description"] = str(art.summary)
        return self.page(f"answers/{art.id}.md", "pages/article.md.j2", front, a=art,
                         services=services)


def head_meta(title: str, description: str, ld: dict | None) -> str:
    """What the theme prints into <head> for a page: its Open Graph title and description, and
    its schema.org JSON-LD (escaped here: the theme prints it as it is)."""
    tags = [f'<meta property="og:title" content="{esc_attr(title)}">',
            f'<meta property="og:description" content="{esc_attr(description)}">']
    if ld is not None:
        tags.append(jsonld.script(ld))
    return "\n".join(tags)


def group_slugs(source_site: Site, translated: Site) -> dict[str, str]:
    """Translated group name -> slug of the source-language name (same URL in every language)."""
    out = {}
    for sid, svc in translated.services.items():
        out[svc.group] = slug(str(source_site.services[sid].group))
    return out


def project_config(site: Site, lang: str, project_dir: Path, site_dir: Path, root: Path,
                   nav: list, gettext_obj, template_cache: Path | None = None) -> dict:
    """The derived mkdocs.yml of one language and audience."""
    config = site.config
    language = config.language(lang)
    words = interface_strings(gettext_obj)
    base = config.base_url(site.audience)
    console_words = console_strings(gettext_obj)
    return {
        "INHERIT": str((root / "mkdocs.yml").resolve()),
        "site_name": theme_text(f"{config.city} 311"),
        "docs_dir": "docs",
        "site_dir": str(site_dir),
        "site_url": f"{base}{lang}/",
        "use_directory_urls": True,
        "strict": False,
        "theme": {
            "name": "material", "custom_dir": "theme", "language": lang,
            "font": False, "direction": language.dir,
        },
        "plugins": [],  # no engine search: kb's own (theme partials/search.html, kb/search/box.js)
        "hooks": [str(HOOKS)],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "extra_css": ["kb/kb.css", "kb/live.css", "kb/search/box.css"]
        + ["kb/agent/console.css"] * (site.audience == "agent") + ["kb/feedback.css"] * bool(config.feedback),
        "extra_javascript": ["kb/kb.js", "kb/alerts.js", "kb/flow.js", "kb/search/rank.js", "kb/search/box.js"]
        + ["kb/agent/hours.js", "kb/agent/console.js"] * (site.audience == "agent")
        + ["kb/feedback.js"] * bool(config.feedback),
        "nav": nav,
        "extra": {
            "generator": False,
            **({"kb_template_cache": str(template_cache)} if template_cache else {}),
            **({"alternate": [{"name": lg.name, "link": f"../{lg.code}/", "lang": lg.code,
                               "dir": lg.dir} for lg in config.languages]}
               if len(config.languages) > 1 else {}),
            "kb_build": theme_text({
                "lang": lang, "audience": site.audience, "dir": language.dir,
                "city": str(config.city), "phones": {k: v for k, v in vars(config.phones).items() if v},
                "languages": [{"code": lg.code, "name": lg.name} for lg in config.languages],
                "source": config.source.code,
                "strings": {
                    "home_title": words["city_services"] % {"city": config.city},
                    **{key: words[key] for key in (
                        "emergency", "call", "search_label", "search_placeholder", "search_button",
                        "close", "not_found_title", "not_found_home", "not_found_az")},
                    # the search boxes' result count (the console's words)
                    **{key: console_words[key] for key in ("count_one", "count_other")},
                },
                **({"console": console_words} if site.audience == "agent" else {}),
                **({"feedback": {"collector": config.feedback.collector, "strings": json.dumps(
                    console_strings(gettext_obj, "feedback"), ensure_ascii=False)}} if config.feedback else {}),
            }),
        },
    }


def nav_for(renderer: Renderer) -> list:
    w = renderer.words
    depts = renderer.departments_sorted()
    t = theme_text
    city = [{t(str(d.name)): f"departments/{d.id}.md"} for d in depts if d.kind == "city"]
    partners = [{t(str(d.name)): f"departments/{d.id}.md"} for d in depts if d.kind != "city"]
    nav: list = [{t(w["home"]): "index.md"}, {t(w["a_to_z"]): "a-z.md"}]
    if city:
        nav.append({t(w["departments"]): city})
    if partners:
        nav.append({t(w["other_agencies"]): partners})
    if renderer.site.audience == "agent":
        nav.append({t(w["transfer_directory"]): "transfers.md"})
        nav.append({t(w["whats_new"]): "whats-new.md"})
    return nav


def write_project(site: Site, source_site: Site, lang: str, gettext_obj, root: Path,
                  project_dir: Path, site_dir: Path, template_cache: Path | None = None,
                  changes: tuple[str, list] | None = None, mark: str = "") -> Project:
    """Write the mkdocs project of one language and audience into project_dir. The theme's
    compiled templates are kept in `template_cache` (mkdocs compiles them on every build).
    `mark`: the secret the theme's markers around content carry (pipeline/safety.py)."""
    renderer = Renderer(site, lang, gettext_obj, group_slugs(source_site, site), changes, mark)
    project = Project(lang, site.audience, project_dir, site_dir, renderer.pages())
    docs = project_dir / "docs"
    for page in project.pages:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, "utf-8")
    theme = project_dir / "theme"
    # The console's code (kb/agent/) is for the agent site; the feedback form's for feedback on.
    skip = ["agent"] * (site.audience == "public") + ["feedback.*"] * (not site.config.feedback)
    shutil.copytree(PACKAGE_THEME, theme, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*skip))
    for rel in contentfiles.walk(root, "theme", Problems()):
        contentfiles.copy(root, rel, theme / rel[len("theme/"):])
    language_partial(theme, site.config.language(lang))
    project.config_file.write_text(
        project_yaml(renderer, project_dir, site_dir, root, template_cache), "utf-8")
    return project


def project_yaml(renderer: Renderer, project_dir: Path, site_dir: Path, root: Path,
                 template_cache: Path | None = None) -> str:
    """The text of the derived mkdocs.yml."""
    cfg = project_config(renderer.site, renderer.lang, project_dir, site_dir, root,
                         nav_for(renderer), renderer.gettext_obj, template_cache)
    cfg["extra"]["kb_mark"] = renderer.mark  # never printed as it is: the pages carry no secret
    return yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False)

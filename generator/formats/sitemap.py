"""Sitemaps and robots.txt for search engines.

Public site: each language's ``<lang>/sitemap-languages.xml`` lists that language's pages, each
with an ``xhtml:link`` to the same page in every language that has it (itself included) and an
``x-default`` to the source language's; the ``sitemap.xml`` at the audience root is the sitemap
index naming them; ``robots.txt`` allows everything and names the index. ``<lang>/sitemap.xml``
(replacing the one mkdocs writes, and its ``.gz``) lists the same pages without the alternates:
Material's instant navigation fetches and parses it on the page's main thread to learn which
addresses are the site's, and with six languages the alternates made it nine times larger (3.7
MB at 5,000 services in two languages: half a second of parsing while a resident's first search
waits). No ``lastmod``: the files are the same for the same content, whenever they are built.

Agent site: ``robots.txt`` disallows everything, and mkdocs' sitemaps are removed (every page
also says ``noindex``, from the theme).

Files of a language folder may be hard links to the live site (cache.py): they are replaced,
never written in place.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from xml.sax.saxutils import quoteattr

from generator.pipeline.model import Site

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
XHTML = 'xmlns:xhtml="http://www.w3.org/1999/xhtml"'


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".kb-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def pages(folder: Path) -> list[str]:
    """The addresses of a language folder's pages, relative to it ('' is its home)."""
    out = []
    for index in folder.rglob("index.html"):
        rel = index.parent.relative_to(folder).as_posix()
        if rel.split("/")[0] in ("assets", "search", "kb"):
            continue
        out.append("" if rel == "." else rel + "/")
    return sorted(out)


def plain_sitemap(base: str, lang: str, present: dict[str, set[str]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {NS}>"]
    lines += [f"  <url><loc>{_esc(base + lang + '/' + rel)}</loc></url>"
              for rel in sorted(present[lang])]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def language_sitemap(base: str, lang: str, langs: list[str], source: str,
                     present: dict[str, set[str]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {NS} {XHTML}>"]
    for rel in sorted(present[lang]):
        lines.append(f"  <url><loc>{_esc(base + lang + '/' + rel)}</loc>")
        for other in langs:
            if rel in present[other]:
                lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(other)} '
                             f"href={quoteattr(base + other + '/' + rel)}/>")
        default = source if rel in present.get(source, ()) else lang
        lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" '
                     f"href={quoteattr(base + default + '/' + rel)}/>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _esc(text: str) -> str:
    return quoteattr(text)[1:-1]


def write(site: Site, stage: Path, langs: list[str]) -> None:
    """The sitemaps and robots.txt of an audience folder, once every language is in it."""
    if site.audience != "public":
        # The engine's own sitemap.xml stays in each language folder: Material's instant
        # navigation reads it to know which addresses are the site's. Robots are kept out.
        _replace(stage / "robots.txt", b"User-agent: *\nDisallow: /\n")
        return
    base = site.config.site_url.rstrip("/") + "/"
    source = site.config.source.code
    order = [lang.code for lang in site.config.languages if lang.code in langs]
    present = {lang: set(pages(stage / lang)) for lang in order}
    for lang in order:
        plain = plain_sitemap(base, lang, present).encode("utf-8")
        _replace(stage / lang / "sitemap.xml", plain)
        _replace(stage / lang / "sitemap.xml.gz", gzip.compress(plain, mtime=0))
        data = language_sitemap(base, lang, order, source, present).encode("utf-8")
        _replace(stage / lang / "sitemap-languages.xml", data)
    index = ['<?xml version="1.0" encoding="UTF-8"?>', f"<sitemapindex {NS}>"]
    index += [f"  <sitemap><loc>{_esc(base + lang + '/sitemap-languages.xml')}</loc></sitemap>"
              for lang in order]
    index.append("</sitemapindex>")
    _replace(stage / "sitemap.xml", ("\n".join(index) + "\n").encode("utf-8"))
    _replace(stage / "robots.txt",
             f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n".encode("utf-8"))

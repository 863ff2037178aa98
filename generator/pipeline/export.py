"""Export stage: files beside the per-language sites of one audience.

Per language (``language``, run beside that language's mkdocs build): alerts and console data,
the change feed, the catalog JSON, the Open311 files and the prebuilt search index. Per audience
(``audience``, once every language has built): the language chooser, the JSON Schemas and
changes.json.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from generator.formats import (
    catalog_json,
    changes,
    console_data,
    hsds,
    open311,
    search_index,
    sitemap,
)
from generator.pipeline.model import Site


def language(site: Site, lang: str, langs: list[str], stage: Path, stamp: str,
             events) -> tuple[list[Path], dict]:
    """Write one language's files into the audience's staging folder. Returns the files written
    outside <lang>/ and the language's part of changes.json."""
    root = lang == (site.config.source.code if site.config.source.code in langs else langs[0])
    console_data.write_language(site, lang, stage / lang, langs)  # <lang>/alerts.json, console.json
    files, part = changes.write_language(site, lang, stage, events, root)  # <lang>/changes.xml
    files += catalog_json.write_language(site, lang, stage, stamp)  # api/v1/<lang>/catalog.json, articles.json
    files += open311.write_language(site, lang, stage, stamp, root)  # open311/v2/<lang>/
    files += search_index.write_language(site, lang, stage)  # api/v1/<lang>/search-index.json
    return files, part


def audience(source_site: Site, stage: Path, langs: list[str], parts: dict[str, dict],
             events) -> None:
    """Write the audience-level files once every language has been written."""
    write_language_chooser(source_site, stage, langs)
    catalog_json.write_schemas(source_site, stage)
    search_index.write_schema(stage)
    changes.write_index(source_site, stage, langs, parts, events)
    hsds.write(source_site, stage)  # api/hsds/ (public site only, source language)
    sitemap.write(source_site, stage, langs)  # sitemaps and robots.txt


def write_language_chooser(site: Site, stage: Path, langs: list[str]) -> None:
    """index.html at the audience root: pick a language; follows the browser's preference."""
    config = site.config
    choices = [lang for lang in config.languages if lang.code in langs]
    items = "\n".join(
        f'      <li><a href="{html.escape(lang.code)}/" hreflang="{html.escape(lang.code)}" '
        f'lang="{html.escape(lang.code)}" dir="{lang.dir}">{html.escape(lang.name)}</a></li>'
        for lang in choices)
    codes = json.dumps([lang.code for lang in choices])
    title = html.escape(f"{config.city} 311")
    source = choices[0].code if choices else config.source.code
    robots = '\n  <meta name="robots" content="noindex">' if site.audience == "agent" else ""
    page = f"""<!doctype html>
<html lang="{source}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">{robots}
  <title>{title}</title>
  <style>
    body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
           color: #1a1a1a; background: #fff; line-height: 1.5; }}
    main {{ max-width: 32rem; margin: 0 auto; padding: 2rem 1rem; }}
    h1 {{ font-size: 1.6rem; }}
    ul {{ list-style: none; padding: 0; }}
    li a {{ display: block; padding: .9rem 1rem; margin: .5rem 0; border: 2px solid #0b5394;
            border-radius: .3rem; color: #0b5394; font-size: 1.2rem; text-decoration: underline; }}
    li a:focus {{ outline: 3px solid #1a1a1a; outline-offset: 2px; }}
    .emergency {{ background: #fdecea; border-left: 4px solid #b3261e; padding: .6rem 1rem; }}
  </style>
</head>
<body>
  <main>
    <h1>{title}</h1>
    <p class="emergency"><strong>911</strong></p>
    <ul>
{items}
    </ul>
  </main>
  <script>
    (function () {{
      var codes = {codes};
      if (location.search.indexOf("choose") !== -1) return;
      var wanted = navigator.languages || [navigator.language || ""];
      for (var i = 0; i < wanted.length; i++) {{
        var w = String(wanted[i]).toLowerCase();
        for (var j = 0; j < codes.length; j++) {{
          var c = codes[j].toLowerCase();
          if (w === c || w.split("-")[0] === c.split("-")[0]) {{
            location.replace(codes[j] + "/");
            return;
          }}
        }}
      }}
    }})();
  </script>
</body>
</html>
"""
    (stage / "index.html").write_text(page, "utf-8")

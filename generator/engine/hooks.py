"""mkdocs hooks of the generated projects, for speed and looks only: nothing that makes a page
safe or right is here (kb does that itself, pipeline/safety.py, whatever engine builds the pages;
Zensical, for one, runs no hooks).

- The theme's compiled templates are kept between builds, and the navigation is rendered once
  for all the pages it looks the same on (speed).
- The text kb wrote escaped into the project (titles, the navigation, the site name, the
  interface strings) is marked as ``Markup``, so that a template that escapes what it prints does
  not show it escaped twice (looks: without this, "Water &amp; Sewer" where a template applies
  ``|e``).
"""

from __future__ import annotations

import os

from markupsafe import Markup


def text(value):
    """Text kb wrote escaped (render.theme_text) marked as such, so that a template that escapes
    what it prints (`|e`) does not escape it twice."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return Markup(value)


def _escape_all(value):
    if isinstance(value, dict):
        return {k: _escape_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape_all(v) for v in value]
    return text(value)


def on_env(env, config, files):  # noqa: ARG001 - mkdocs' hook signature
    """Keep the theme's compiled templates between builds (mkdocs compiles them every time), and
    keep the environment for the navigation rendered once per folder (on_page_context)."""
    folder = (config.get("extra") or {}).get("kb_template_cache")
    if folder:
        import jinja2

        os.makedirs(folder, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(folder)
    _navigation.clear()
    _navigation["template"] = env.from_string(_NAVIGATION_ALONE)
    return env


# The navigation as base.html includes it: with the names base.html gives it (the theme's
# strings and features).
_NAVIGATION_ALONE = ('{% import "partials/language.html" as lang with context %}'
                     '{% set features = config.theme.features or [] %}'
                     '{% include "partials/nav.html" %}')
_navigation: dict = {}  # the template above, the navigation's page URLs, HTML per folder


def on_page_context(context, page, config, nav):  # noqa: ARG001 - mkdocs' hook signature
    _share_navigation(context, page, nav)
    return context


def _share_navigation(context, page, nav) -> None:
    """Material renders the whole navigation on every page: a tenth of a build. Its HTML
    depends on the page only through which entry is the current one (and its table of contents)
    and the links' addresses, relative to the page's folder. A page that is not in the
    navigation, and that no entry's address lies under, gets the same HTML as every other such
    page in its folder: it is rendered once per folder, and the theme's partials/nav.html prints
    it (kb_nav). Any other page is rendered as usual."""
    url = getattr(page, "url", None)
    if not isinstance(url, str) or nav is None or "template" not in _navigation:
        return
    if _navigation.get("nav") is not nav:
        _navigation.update(nav=nav, urls={p.url for p in nav.pages}, html={})
    in_nav = _navigation["urls"]
    if url in in_nav or any(u.startswith(url) for u in in_nav):
        return
    key = (url.rstrip("/").rpartition("/")[0], context.get("base_url"))
    shared = _navigation["html"]
    if key not in shared:
        shared[key] = _navigation["template"].render(context)
    context["kb_nav"] = shared[key]


def on_config(config):
    config["site_name"] = text(config["site_name"])
    if config.get("site_description"):
        config["site_description"] = text(config["site_description"])
    if isinstance(config["extra"].get("kb_build"), dict):
        config["extra"]["kb_build"] = _escape_all(config["extra"]["kb_build"])
    return config


def on_nav(nav, config, files):  # noqa: ARG001 - mkdocs' hook signature
    """Titles given in the navigation config: sections, links, and pages named there."""
    def walk(items):
        for item in items:
            if item.is_page:  # a page's title set from the nav config overrides its front matter
                if isinstance(vars(item).get("title"), str):
                    item.title = text(vars(item)["title"])
            elif item.title is not None:
                item.title = text(item.title)
            if item.children:
                walk(item.children)
    walk(nav.items)
    return nav


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 - mkdocs' hook signature
    """Front matter text (title, description) as escaped text, before anything prints it."""
    for key in ("title", "description"):
        if isinstance(page.meta.get(key), str):
            page.meta[key] = text(page.meta[key])
    return markdown

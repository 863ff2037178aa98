"""Translate stage: the model of one audience, in one language (a pure function Site -> Site).

The source language is the model itself. Other languages look every translatable string up in
``translations/<lang>.po``; a missing or fuzzy translation keeps the source text, marked as a
``Fallback`` (plain-text fields) or wrapped in an element with the source ``lang`` (Markdown
blocks), each with a short notice in the page's language that it is not yet translated.

Which fields are translated is the schemas' ``x-translate`` marking; ``FIELDS`` maps each marked
schema path to the model, and a test keeps the two in step.
"""

from __future__ import annotations

import html
from dataclasses import replace

from generator.i18n import mdsplit
from generator.i18n.catalog import keywords_message, split_keywords
from generator.i18n.locale import Fallback, interface_strings, interface_translations
from generator.pipeline.model import Memo, Site, unlink_articles

# Every x-translate schema path, per kind, and where the model keeps it.
FIELDS = {
    "config": {("city",), ("hours",)},
    "service": {("name",), ("group",), ("summary",), ("keywords",), ("description",),
                ("request", "channels", "*", "address"), ("request", "channels", "*", "note"),
                ("request", "questions", "*", "prompt"),
                ("request", "questions", "*", "datatype_description"),
                ("request", "questions", "*", "values", "*", "name"), ("fees",), ("eligibility",)},
    "department": {("name",), ("description",), ("jurisdiction",)},
    "alert": {("title",), ("message",)},
    "calendar": {("holidays", "*", "name"), ("closures", "*", "name")},
    "article": {("title",), ("summary",), ("keywords",), ("flow", "steps", "*", "ask"),
                ("flow", "steps", "*", "options", "*", "label"), ("flow", "steps", "*", "outcome")},
}


class Translator:
    def __init__(self, messages, source: str, direction: str = "ltr",
                 hidden: frozenset[str] = frozenset()):
        self.messages = messages
        self.source = source
        self.dir = direction
        self.notice = interface_strings(messages)["not_yet_translated"]
        self.hidden = hidden  # agent-only articles, whose links the public model has dropped
        self._unlinked: dict[str, str] | None = None

    def find(self, msgid: str) -> str | None:
        lookup = getattr(self.messages, "lookup", None)
        found = lookup(msgid) if lookup else None
        if found is None and self.hidden:
            found = self._unlinked_messages().get(msgid)
        return unlink_articles(found, self.hidden) if found and self.hidden else found

    def _unlinked_messages(self) -> dict[str, str]:
        """Messages as the public model has them: the PO file keys a block by its source text,
        which still links to agent-only articles."""
        if self._unlinked is None:
            catalog = getattr(self.messages, "_catalog", {})
            self._unlinked = {unlink_articles(k, self.hidden): v for k, v in catalog.items()
                              if isinstance(k, str) and "(article:" in k}
        return self._unlinked

    def text(self, value):
        """A plain-text field."""
        if value is None or not isinstance(value, str) or not mdsplit.translatable(value):
            return value
        found = self.find(value.strip())
        return found if found is not None else Fallback(value, self.source, self.notice, self.dir)

    def texts(self, values: tuple) -> tuple:
        return tuple(self.text(v) for v in values)

    def keywords(self, words: tuple) -> tuple:
        if not words:
            return words
        found = self.find(keywords_message(words))
        if found is not None:
            return split_keywords(found)
        last = len(words) - 1
        return tuple(Fallback(w, self.source, self.notice if i == last else "", self.dir)
                     for i, w in enumerate(words))

    def markdown(self, value):
        """A Markdown field: each block translated, or the source block marked as such."""
        if not value:
            return value

        def tr(msg: mdsplit.Msg) -> str:
            found = self.find(msg.text)
            if found is not None:  # one block stays one block, whatever the translator typed
                return " ".join(found.split("\n")).strip()
            return (f'<span lang="{self.source}" dir="{self.dir}" class="kb-untranslated">'
                    f'{msg.text}</span> '
                    f'<span class="kb-fallback-note" data-search-exclude>'
                    f'{html.escape(self.notice)}</span>')

        return mdsplit.join(mdsplit.split(str(value)), tr)

    def fees(self, value):
        if value is None or str(value).strip().lower() == "none":
            return value
        return self.text(value)


def translate(site: Site, lang: str, messages, memo: Memo | None = None) -> Site:
    """The site in `lang`. `messages` looks up translations (None: the source language).
    `memo`: see model.Memo (objects of the model that did not change are not translated again)."""
    if messages is None or lang == site.config.source.code:
        return site
    t = Translator(messages, site.config.source.code, site.config.source.dir, site.hidden_articles)
    condition = (messages, site.hidden_articles)

    def once(obj, fn):
        return fn(obj) if memo is None else memo.get(obj, condition, lambda: fn(obj))

    config = replace(site.config, city=t.text(site.config.city), hours=t.text(site.config.hours))
    services = {sid: once(s, lambda s: _service(t, s)) for sid, s in site.services.items()}
    departments = {did: once(d, lambda d: replace(d, name=t.text(d.name),
                                                  description=t.text(d.description),
                                                  jurisdiction=t.texts(d.jurisdiction)))
                   for did, d in site.departments.items()}
    alerts = {aid: replace(a, title=t.text(a.title), message=t.markdown(a.message))
              for aid, a in site.alerts.items()}
    articles = {aid: once(a, lambda a: _article(t, a)) for aid, a in site.articles.items()}
    calendar = replace(
        site.calendar,
        holidays=tuple(replace(h, name=t.text(h.name)) for h in site.calendar.holidays),
        closures=tuple(replace(c, name=t.text(c.name)) for c in site.calendar.closures))
    if memo is not None:
        memo.done()
    return replace(site, config=config, services=services, departments=departments,
                   alerts=alerts, articles=articles, calendar=calendar)


def _service(t: Translator, s):
    return replace(
        s, name=t.text(s.name), group=t.text(s.group), summary=t.text(s.summary),
        keywords=t.keywords(s.keywords), description=t.markdown(s.description),
        channels=tuple(replace(c, address=t.text(c.address), note=t.text(c.note))
                       for c in s.channels),
        questions=tuple(replace(q, prompt=t.text(q.prompt),
                                datatype_description=t.text(q.datatype_description),
                                values=tuple(replace(v, name=t.text(v.name)) for v in q.values))
                        for q in s.questions),
        fees=t.fees(s.fees), eligibility=t.text(s.eligibility))


def _article(t: Translator, a):
    if a.audience == "agent":  # internal: never extracted, never translated
        return a
    flow = a.flow
    if flow:
        flow = replace(flow, steps=tuple(
            replace(s, ask=t.text(s.ask), outcome=t.text(s.outcome),
                    options=tuple(replace(o, label=t.text(o.label)) for o in s.options))
            for s in flow.steps))
    return replace(a, title=t.text(a.title), summary=t.text(a.summary),
                   keywords=t.keywords(a.keywords), body=t.markdown(a.body), flow=flow)


def in_language(source: Site, lang: str, memo: Memo | None = None):
    """The one way from an audience's model to one language (build, preview and `kb search` all
    come through here): (the site in `lang`, the interface messages it was translated with)."""
    config = source.config
    messages = interface_translations(config.root, lang, config.source.code)
    return translate(source, lang, messages, memo), messages

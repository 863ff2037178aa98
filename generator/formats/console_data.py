"""Data for the pages' live parts, written by the export stage beside each language's site.

- ``<lang>/alerts.json`` (both audiences): the alerts of that audience's model, with their start
  and end as epoch milliseconds, so the browser decides from its own clock whether one is
  current and a static site stays right. The public model has no agent-only alerts at all.
- ``<lang>/console.json`` (agent site only): what the agent console shows of a result: services
  with their scripts and transfers, answers, departments and partners with hours, time zones,
  transfer and after-hours lines, the holiday calendar, the phones for interpreters and relay
  calls, and the console's interface strings in that language. The console ranks with
  ``kb/search/rank.js`` over the agent site's ``api/v2/<lang>/search.json``, whose address
  (relative to console.json) is its ``index``. One file per built language, so the console's
  "caller's language" choice works with whatever languages a build has: it fetches the other
  language's file.

Nothing here is written for the public audience except alerts.json, and that comes from the
public model, which does not carry internal fields.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import markdown

from generator.i18n.locale import Fallback, interface_translations
from generator.pipeline import markup
from generator.pipeline.model import Department, Service, Site
from generator.pipeline.render import Renderer, console_strings
from generator.pipeline.safety import sanitize


def write_language(site: Site, lang: str, folder: Path, langs: list[str],
                   index: str | None = None) -> None:
    """The files of one language's site folder (also used by the live preview). `index`: the
    address of the language's search index (api/v2/<lang>/search.json) relative to the folder;
    by default the one at the site's root, beside the language folders."""
    folder.mkdir(parents=True, exist_ok=True)
    _dump(folder / "alerts.json", {"lang": lang, "alerts": alerts_data(site)})
    if site.audience == "agent":
        data = console_data(site, lang, langs)
        data["index"] = index or f"../api/v2/{lang}/search.json"
        _dump(folder / "console.json", data)


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def html_of(site: Site, text: str | None) -> str:
    """Markdown as sanitised HTML; links are relative to the language's root folder."""
    if not text:
        return ""
    source = markup.resolve_links(str(text), site.has_page,
                                  lambda kind, id_: f"{markup.FOLDERS[kind]}/{id_}/")
    return sanitize(_markdown().reset().convert(source)).strip()


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=markup.EXTENSIONS)


def epoch_ms(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def alerts_data(site: Site) -> list[dict]:
    out = []
    for alert in sorted(site.alerts.values(), key=lambda a: (epoch_ms(a.starts), a.id)):
        out.append({"id": alert.id, "title": str(alert.title), "html": html_of(site, alert.message),
                    "starts": epoch_ms(alert.starts), "ends": epoch_ms(alert.ends),
                    "services": list(alert.services), "audience": alert.audience})
    return out


def _department(site: Site, dept: Department) -> dict:
    agent = dept.agent
    hours = None
    if dept.hours:
        hours = {"timezone": dept.hours.timezone, "holidays_open": dept.hours.holidays_open,
                 "days": [[list(r) for r in day] for day in dept.hours.days]}
    return {
        "id": dept.id, "name": str(dept.name), "kind": dept.kind,
        "description": str(dept.description or ""), "phone": dept.phone or "",
        "transfer_line": (agent.transfer_line if agent else None) or "",
        "after_hours_line": (agent.after_hours_line if agent else None) or "",
        "notes_html": html_of(site, agent.notes) if agent else "",
        "jurisdiction": [str(j) for j in dept.jurisdiction], "hours": hours,
        "url": f"departments/{dept.id}/",
    }


def _service(site: Site, svc: Service, response_time: str) -> dict:
    agent = svc.agent
    transfer = agent.transfer if agent and agent.transfer else None
    return {
        "id": svc.id, "name": str(svc.name), "summary": str(svc.summary), "group": str(svc.group),
        "keywords": [str(k) for k in svc.keywords], "department": svc.department,
        "emergency": svc.emergency, "response_time": response_time,
        "description_html": html_of(site, svc.description), "url": f"services/{svc.id}/",
        "script_html": html_of(site, agent.script) if agent else "",
        "transfer": {"to": transfer.to, "when": str(transfer.when or "")} if transfer else None,
        "escalation_html": html_of(site, agent.escalation) if agent else "",
        "notes_html": html_of(site, agent.notes) if agent else "",
        # Fields still in the source language (no translation yet): the console marks their lang.
        "untranslated": [f for f in ("name", "summary", "description")
                         if isinstance(getattr(svc, f), Fallback)],
    }


def console_data(site: Site, lang: str, langs: list[str]) -> dict:
    config = site.config
    messages = interface_translations(config.root, lang, config.source.code)
    renderer = Renderer(site, lang, messages, {})
    language = config.language(lang)
    return {
        "lang": lang, "dir": language.dir, "source": config.source.code,
        "timezone": config.timezone,
        "languages": [{"code": lg.code, "name": lg.name, "dir": lg.dir}
                      for lg in config.languages if lg.code in langs],
        "phones": {k: v for k, v in vars(config.phones).items() if v},
        "holidays": [{"date": h.date, "name": str(h.name)} for h in site.calendar.holidays],
        "closures": [{"date": c.date, "name": str(c.name), "departments": list(c.departments),
                      "hours": c.hours} for c in site.calendar.closures],
        "departments": {d.id: _department(site, d) for d in sorted(site.departments.values(),
                                                                   key=lambda d: d.id)},
        "services": [_service(site, s, renderer.response_time(s))
                     for s in sorted(site.services.values(), key=lambda s: s.id)],
        "articles": [{"id": a.id, "title": str(a.title), "summary": str(a.summary or ""),
                      "keywords": [str(k) for k in a.keywords], "services": list(a.services),
                      "audience": a.audience, "flow": a.flow is not None,
                      "url": f"answers/{a.id}/"}
                     for a in sorted(site.articles.values(), key=lambda a: a.id)],
        "strings": console_strings(messages),
    }

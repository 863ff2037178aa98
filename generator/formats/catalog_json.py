"""Catalog JSON for other tools, with its JSON Schemas.

Per audience folder:

- ``api/v1/<lang>/catalog.json``: every service and department in that language, every field the
  audience may see (the agent site's copy adds the internal fields: ``agent``, ``owner``);
- ``api/v1/<lang>/articles.json``: the answers that audience sees (public: no agent-only
  articles, no agent-only blocks);
- ``api/v1/schema/``: ``catalog.schema.json`` and ``articles.schema.json`` describing those files
  (the public copies without the internal fields, and with ``additionalProperties: false``
  throughout, so a file with an internal field fails its own schema), and the content schemas
  (``service.schema.json`` ...) that editors' YAML files point to.

Each file carries ``schema_version`` and ``generated_at`` (``SOURCE_DATE_EPOCH`` when set, else
the time of the newest commit touching the content, else now). Files are built from the model of
the audience (``model.build_site``), whose public variant never holds an internal field.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from generator import clock
from generator.git import git
from generator.pipeline import schema
from generator.pipeline.model import DAYS, Article, Department, Service, Site

SCHEMA_VERSION = "1.0"
CONTENT_FOLDERS = ("catalog", "articles", "translations", "mkdocs.yml")


def generated_at(root: Path) -> str:
    """SOURCE_DATE_EPOCH when set, else the newest commit touching the content, else now (UTC)."""
    if clock.source_epoch() is not None:
        return clock.generated_at(None)
    out = git(root, "log", "-1", "--format=%cI", "--", *CONTENT_FOLDERS)
    return clock.generated_at(out.decode().strip() if out and out.strip() else None)


# --- documents ---------------------------------------------------------------------------------

def _s(value: Any) -> Any:
    """Plain str (translations may be str subclasses)."""
    return None if value is None else str(value)


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _review(r) -> dict | None:
    return {"last_reviewed": r.last_reviewed.isoformat(), "every_days": r.every_days} if r else None


def _owner(o) -> dict | None:
    return _prune({"department": o.department, "contact": o.contact}) if o else None


def service_doc(svc: Service, page_url: str) -> dict[str, Any]:
    doc = {
        "id": svc.id,
        "name": _s(svc.name),
        "department": svc.department,
        "group": _s(svc.group),
        "summary": _s(svc.summary),
        "keywords": [_s(k) for k in svc.keywords],
        "emergency": svc.emergency,
        "season": {"from": svc.season[0], "to": svc.season[1]} if svc.season else None,
        "description": _s(svc.description),
        "request": {
            "channels": [_prune({"type": c.type, "url": c.url, "phone": c.phone, "email": c.email,
                                 "address": _s(c.address), "note": _s(c.note)})
                         for c in svc.channels],
            "questions": [_prune({
                "code": q.code, "prompt": _s(q.prompt), "datatype": q.datatype,
                "datatype_description": _s(q.datatype_description), "required": q.required,
                "variable": q.variable,
                "values": [{"key": v.key, "name": _s(v.name)} for v in q.values] or None})
                for q in svc.questions],
        },
        "response_time": ({"value": svc.response_time[0], "unit": svc.response_time[1]}
                          if svc.response_time else None),
        "fees": _s(svc.fees),
        "eligibility": _s(svc.eligibility),
        "related": list(svc.related),
        "review": _review(svc.review),
        "readability": {"waive": svc.readability_waiver} if svc.readability_waiver else None,
        "open311": {"code": str(svc.code), "type": svc.open311_type,
                    "description": svc.open311_description, "group": svc.open311_group},
        "page_url": page_url,
    }
    if svc.agent is not None:
        a = svc.agent
        doc["agent"] = _prune({
            "script": _s(a.script),
            "transfer": _prune({"to": a.transfer.to, "when": _s(a.transfer.when)}) if a.transfer else None,
            "escalation": _s(a.escalation), "notes": _s(a.notes)})
    if svc.owner is not None:
        doc["owner"] = _owner(svc.owner)
    return _prune(doc)


def _hours(h) -> dict | None:
    if h is None:
        return None

    out: dict[str, Any] = {"timezone": h.timezone}
    for day, ranges in zip(DAYS, h.days):
        out[day] = [f"{a}-{b}" for a, b in ranges]
    out["holidays"] = "open" if h.holidays_open else "closed"
    return out


def department_doc(dept: Department, page_url: str) -> dict[str, Any]:
    doc = {
        "id": dept.id, "name": _s(dept.name), "kind": dept.kind, "description": _s(dept.description),
        "phone": dept.phone, "email": dept.email, "url": dept.url, "address": _s(dept.address),
        "hours": _hours(dept.hours), "jurisdiction": [_s(j) for j in dept.jurisdiction],
        "review": _review(dept.review), "page_url": page_url,
        "readability": {"waive": dept.readability_waiver} if dept.readability_waiver else None,
    }
    if dept.agent is not None:
        a = dept.agent
        doc["agent"] = _prune({"transfer_line": a.transfer_line,
                               "after_hours_line": a.after_hours_line, "notes": _s(a.notes)})
    if dept.owner is not None:
        doc["owner"] = _owner(dept.owner)
    return _prune(doc)


def article_doc(art: Article, page_url: str) -> dict[str, Any]:
    flow = None
    if art.flow:
        flow = {"start": art.flow.start, "steps": {
            s.id: _prune({"ask": _s(s.ask),
                          "options": [{"label": _s(o.label), "next": o.next} for o in s.options] or None,
                          "outcome": _s(s.outcome), "transfer": s.transfer, "service": s.service})
            for s in art.flow.steps}}
    doc = {
        "id": art.id, "title": _s(art.title), "summary": _s(art.summary),
        "services": list(art.services), "audience": art.audience,
        "keywords": [_s(k) for k in art.keywords], "body": _s(art.body), "flow": flow,
        "review": _review(art.review), "page_url": page_url,
        "readability": {"waive": art.readability_waiver} if art.readability_waiver else None,
    }
    if art.owner is not None:
        doc["owner"] = _owner(art.owner)
    return _prune(doc)


def _head(site: Site, lang: str, stamp: str) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "generated_at": stamp, "lang": lang,
            "audience": site.audience, "city": str(site.config.city)}


def catalog(site: Site, lang: str, stamp: str, base: str) -> dict[str, Any]:
    """catalog.json of one language; `base` is the audience root URL."""
    services = sorted(site.services.values(), key=lambda s: s.id)
    departments = sorted(site.departments.values(), key=lambda d: d.id)
    return {**_head(site, lang, stamp),
            "services": [service_doc(s, f"{base}{lang}/services/{s.id}/") for s in services],
            "departments": [department_doc(d, f"{base}{lang}/departments/{d.id}/")
                            for d in departments]}


def articles(site: Site, lang: str, stamp: str, base: str) -> dict[str, Any]:
    arts = sorted(site.articles.values(), key=lambda a: a.id)
    return {**_head(site, lang, stamp),
            "articles": [article_doc(a, f"{base}{lang}/answers/{a.id}/") for a in arts]}


# --- schemas -----------------------------------------------------------------------------------

def _str(**kw) -> dict:
    return {"type": "string", **kw}


def _obj(props: dict, required: list[str] = (), **kw) -> dict:
    return {"type": "object", "additionalProperties": False, "required": list(required),
            "properties": props, **kw}


_STRS = {"type": "array", "items": {"type": "string"}}
_REVIEW = _obj({"last_reviewed": _str(format="date"), "every_days": {"type": "integer"}},
               ["last_reviewed", "every_days"])
_READABILITY = _obj({"waive": _str()}, ["waive"], description=(
    "Why the texts keep wording that misses the plain-language targets of kb check."))
_OWNER = _obj({"department": _str(), "contact": _str()}, ["department"], **{
    "x-internal": True, "description": "Who keeps this right (agent site only)."})
_HEAD = {
    "schema_version": {"const": SCHEMA_VERSION},
    "generated_at": _str(format="date-time", description="SOURCE_DATE_EPOCH when set, else the "
                         "time of the newest commit touching the content, else the build time."),
    "lang": _str(description="Language of the text in this file."),
    "audience": {"enum": ["public", "agent"]},
    "city": _str(),
}
_HEAD_REQUIRED = list(_HEAD)


def _service_schema() -> dict:
    question = _obj({
        "code": _str(), "prompt": _str(), "datatype": {"enum": ["string", "number", "datetime", "text",
                                                                  "singlevaluelist", "multivaluelist"]},
        "datatype_description": _str(), "required": {"type": "boolean"},
        "variable": {"type": "boolean"},
        "values": {"type": "array", "items": _obj({"key": _str(), "name": _str()}, ["key", "name"])},
    }, ["code", "prompt", "datatype", "required", "variable"])
    channel = _obj({"type": {"enum": ["phone", "online", "app", "text", "email", "tty", "in_person"]},
                    "url": _str(), "phone": _str(), "email": _str(), "address": _str(),
                    "note": _str()}, ["type"])
    return _obj({
        "id": _str(), "name": _str(), "department": _str(description="A department's id."),
        "group": _str(), "summary": _str(), "keywords": _STRS, "emergency": {"type": "boolean"},
        "season": _obj({"from": _str(), "to": _str()}, ["from", "to"]),
        "description": _str(description="Markdown."),
        "request": _obj({"channels": {"type": "array", "items": channel},
                         "questions": {"type": "array", "items": question}},
                        ["channels", "questions"]),
        "response_time": _obj({"value": {"type": "number"},
                               "unit": {"enum": ["hours", "days", "business_days", "weeks"]}},
                              ["value", "unit"]),
        "fees": _str(), "eligibility": _str(), "related": _STRS, "review": _REVIEW,
        "readability": _READABILITY,
        "open311": _obj({"code": _str(), "type": {"enum": ["realtime", "batch", "blackbox"]},
                         "description": {"type": "boolean"}, "group": {"type": "boolean"}},
                        ["code", "type", "description", "group"]),
        "page_url": _str(format="uri"),
        "agent": _obj({"script": _str(), "transfer": _obj({"to": _str(), "when": _str()}, ["to"]),
                       "escalation": _str(), "notes": _str()}, **{
            "x-internal": True, "description": "For call agents (agent site only)."}),
        "owner": _OWNER,
    }, ["id", "name", "department", "group", "summary", "keywords", "emergency", "request",
        "related", "open311", "page_url"])


def _department_schema() -> dict:
    day = {"type": "array", "items": _str(pattern="^[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}$"),
           "description": "Opening hours; an empty list: closed."}
    return _obj({
        "id": _str(), "name": _str(), "kind": {"enum": ["city", "partner"]},
        "description": _str(), "phone": _str(), "email": _str(), "url": _str(), "address": _str(),
        "hours": _obj({"timezone": _str(), **{d: day for d in ("mon", "tue", "wed", "thu", "fri",
                                                                "sat", "sun")},
                       "holidays": {"enum": ["open", "closed"]}},
                      ["timezone", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "holidays"]),
        "jurisdiction": _STRS, "review": _REVIEW, "readability": _READABILITY, "page_url": _str(format="uri"),
        "agent": _obj({"transfer_line": _str(), "after_hours_line": _str(), "notes": _str()}, **{
            "x-internal": True, "description": "For call agents (agent site only)."}),
        "owner": _OWNER,
    }, ["id", "name", "kind", "jurisdiction", "page_url"])


def _article_schema() -> dict:
    step = _obj({"ask": _str(), "options": {"type": "array", "items": _obj(
        {"label": _str(), "next": _str()}, ["label", "next"])}, "outcome": _str(),
        "transfer": _str(), "service": _str()})
    return _obj({
        "id": _str(), "title": _str(), "summary": _str(), "services": _STRS,
        "audience": {"enum": ["resident", "agent", "both"]}, "keywords": _STRS,
        "body": _str(description="Markdown. In the public file, without the agent-only blocks."),
        "flow": _obj({"start": _str(), "steps": {"type": "object", "additionalProperties": step}},
                     ["start", "steps"]),
        "review": _REVIEW, "readability": _READABILITY, "page_url": _str(format="uri"),
        "owner": _OWNER,
    }, ["id", "title", "services", "audience", "keywords", "body", "page_url"])


def output_schemas(base: str) -> dict[str, dict]:
    """The full (agent) schemas of the output files, by file name; `base` is their folder URL."""
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    return {
        "catalog.schema.json": {
            **head, "$id": base + "catalog.schema.json", "title": "Catalog",
            "description": "api/v1/<lang>/catalog.json: every service and department, in one "
                           "language.",
            **_obj({**_HEAD, "services": {"type": "array", "items": {"$ref": "#/$defs/service"}},
                    "departments": {"type": "array", "items": {"$ref": "#/$defs/department"}}},
                   _HEAD_REQUIRED + ["services", "departments"]),
            "$defs": {"service": _service_schema(), "department": _department_schema()},
        },
        "articles.schema.json": {
            **head, "$id": base + "articles.schema.json", "title": "Articles",
            "description": "api/v1/<lang>/articles.json: the answers, in one language.",
            **_obj({**_HEAD, "articles": {"type": "array", "items": {"$ref": "#/$defs/article"}}},
                   _HEAD_REQUIRED + ["articles"]),
            "$defs": {"article": _article_schema()},
        },
    }


def strip_internal(node: Any) -> Any:
    """A schema without the properties marked x-internal (for the public copies)."""
    if isinstance(node, dict):
        out = {}
        props = node.get("properties")
        hidden = {k for k, v in props.items() if isinstance(v, dict) and v.get("x-internal")} \
            if isinstance(props, dict) else set()
        for key, value in node.items():
            if key == "properties" and hidden:
                value = {k: v for k, v in value.items() if k not in hidden}
            elif key == "required" and hidden and isinstance(value, list):
                value = [k for k in value if k not in hidden]
            out[key] = strip_internal(value)
        return out
    if isinstance(node, list):
        return [strip_internal(v) for v in node]
    return node


def content_schemas(base: str, features: frozenset[str] = frozenset()) -> dict[str, dict]:
    """The content (YAML) schemas the package ships, with ids at their published address, so
    that their relative references resolve there too. A setting marked ``x-feature`` (feedback)
    is published only by a site that turns it on: a site without it is the same bytes as before."""
    out = {}
    for name in schema.schema_names():
        data = copy.deepcopy(schema.raw_schema(name))
        data["$id"] = base + name
        props = data.get("properties")
        if isinstance(props, dict):
            data["properties"] = {k: v for k, v in props.items()
                                  if not isinstance(v, dict) or v.get("x-feature", "") in features | {""}}
        out[name] = data
    return out


def schemas_for(audience: str, base: str, features: frozenset[str] = frozenset()) -> dict[str, dict]:
    outputs = output_schemas(base)
    if audience == "public":
        outputs = {name: strip_internal(s) for name, s in outputs.items()}
    return {**outputs, **content_schemas(base, features)}


# --- writing -----------------------------------------------------------------------------------

def _dump(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", "utf-8")


def schema_base(site: Site) -> str:
    return site.config.base_url(site.audience) + "api/v1/schema/"


def write_schemas(site: Site, stage: Path) -> None:
    """api/v1/schema/ of an audience."""
    features = frozenset({"feedback"} if site.config.feedback else ())
    for name, data in schemas_for(site.audience, schema_base(site), features).items():
        _dump(stage / "api" / "v1" / "schema" / name, data)


def write_language(site: Site, lang: str, stage: Path, stamp: str) -> list[Path]:
    """api/v1/<lang>/catalog.json and articles.json into an audience's stage."""
    base = site.config.base_url(site.audience)
    files = [stage / "api" / "v1" / lang / "catalog.json", stage / "api" / "v1" / lang / "articles.json"]
    _dump(files[0], catalog(site, lang, stamp, base))
    _dump(files[1], articles(site, lang, stamp, base))
    return files

"""Open311 GeoReport v2, static: the service list, the service definitions and discovery.

Written per audience folder as ``open311/v2/`` (the source language) and ``open311/v2/<lang>/``
(every built language, the source language included), in JSON and XML:

- ``services.json|.xml``: every service, ``service_code`` always a string;
- ``services/<code>.json|.xml``: the definition of every service with questions
  (``metadata: true``), at the literal path a client requests, so a ``/`` in a code makes a folder
  (``kb check`` refuses codes that could escape the folder or be read as a query);
- ``discovery.json|.xml``.

A service's code is ``open311.code`` when set, else its id; its Open311 ``description`` is its
``summary`` and its ``group`` its ``group``, except where ``open311.description: false`` or
``open311.group: false`` say the list shows none (an imported list that had none keeps it that
way). Element names, nesting and value types follow the GeoReport v2 specification
(https://wiki.open311.org/GeoReport_v2).

This module also reads GeoReport v2 files back (``read_list``, ``read_definition``), for
``kb import open311``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from generator.pipeline.model import Question, Service, Site
from generator.pipeline.render import sort_key

SPEC = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
_CR = "\ue00d"  # stands for a carriage return until the XML text is written
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- the documents, as Python values ------------------------------------------------------------

def service_entry(svc: Service) -> dict[str, Any]:
    """One element of the service list, keys in the specification's order."""
    entry: dict[str, Any] = {
        "service_code": str(svc.code),
        "service_name": str(svc.name),
        "description": str(svc.summary) if svc.open311_description else "",
        "metadata": bool(svc.questions),
        "type": svc.open311_type,
        "keywords": ", ".join(str(k) for k in svc.keywords),
    }
    if svc.open311_group:
        entry["group"] = str(svc.group)
    return entry


def attribute(q: Question, order: int) -> dict[str, Any]:
    attr: dict[str, Any] = {
        "variable": q.variable,
        "code": q.code,
        "datatype": q.datatype,
        "required": q.required,
        "datatype_description": str(q.datatype_description) if q.datatype_description else None,
        "order": order,
        "description": str(q.prompt),
    }
    if q.values:
        attr["values"] = [{"key": v.key, "name": str(v.name)} for v in q.values]
    return attr


def definition(svc: Service) -> dict[str, Any]:
    return {"service_code": str(svc.code),
            "attributes": [attribute(q, i) for i, q in enumerate(svc.questions, 1)]}


def service_list(site: Site) -> list[dict[str, Any]]:
    """The list in a stable order: by group, then name, then code."""

    services = sorted(site.services.values(),
                      key=lambda s: (sort_key(s.group), sort_key(s.name), str(s.code)))
    return [service_entry(s) for s in services]


def discovery(site: Site, base_url: str, changeset: str) -> dict[str, Any]:
    phones = site.config.phones
    contact = f"{site.config.city} 311: call {phones.main}"
    if phones.outside:
        contact += f" ({phones.outside} from outside the city)"
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": "No key is needed: this is a read-only, static copy of the service list "
                       "and the service definitions.",
        "endpoints": [{"specification": SPEC, "url": base_url.rstrip("/"), "changeset": changeset,
                       "type": "production", "formats": FORMATS}],
    }


# --- serialisation -----------------------------------------------------------------------------

def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # a carriage return must be written as a reference, or XML parsers turn "\r\n" into "\n"
    return _XML_BAD.sub("", str(value)).replace(_CR, "").replace("\r", _CR)


def _element(tag: str, value: Any, item_tags: dict[str, str]) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            el.append(_element(key, sub, item_tags))
    elif isinstance(value, list):
        for sub in value:
            el.append(_element(item_tags[tag], sub, item_tags))
    else:
        el.text = _text(value)
    return el


# list element -> the name of its items, as in the specification's XML examples
ITEM_TAGS = {"services": "service", "attributes": "attribute", "values": "value",
             "endpoints": "endpoint", "formats": "format"}


def to_xml(root_tag: str, value: Any) -> str:
    root = _element(root_tag, value, ITEM_TAGS)
    ET.indent(root, "  ")
    text = ET.tostring(root, "unicode").replace(_CR, "&#13;")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n"


def definition_path(folder: Path, code: str, ext: str) -> Path:
    """services/<code>.<ext> under `folder`, the code taken literally ('/' makes folders)."""
    return folder / "services" / f"{code}.{ext}"


# --- writing -----------------------------------------------------------------------------------

def write_folder(site: Site, folder: Path, base_url: str, changeset: str) -> list[Path]:
    """The whole GeoReport v2 tree of one language into `folder`; returns the files written."""
    written = []

    def put(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)

    services = service_list(site)
    put(folder / "services.json", to_json(services))
    put(folder / "services.xml", to_xml("services", services))
    for svc in site.services.values():
        if not svc.questions:
            continue
        d = definition(svc)
        put(definition_path(folder, str(svc.code), "json"), to_json(d))
        put(definition_path(folder, str(svc.code), "xml"), to_xml("service_definition", d))
    disc = discovery(site, base_url, changeset)
    put(folder / "discovery.json", to_json(disc))
    put(folder / "discovery.xml", to_xml("discovery", disc))
    return written


def write_language(site: Site, lang: str, stage: Path, changeset: str, root: bool) -> list[Path]:
    """open311/v2/<lang>/ into an audience's staging folder, and open311/v2/ itself when `root`
    (the source language, or the first one built)."""
    base = site.config.base_url(site.audience) + "open311/v2/"
    written = write_folder(site, stage / "open311" / "v2" / lang, f"{base}{lang}/", changeset)
    if root:
        written += write_folder(site, stage / "open311" / "v2", base, changeset)
    return written


# --- reading (for kb import open311) -----------------------------------------------------------

class ReadError(ValueError):
    """A file that is not a GeoReport v2 document; the message says where and why."""


def _xml_value(el: ET.Element, lists: set[str]) -> Any:
    children = list(el)
    tag = el.tag
    if tag in lists:
        return [_xml_value(c, lists) for c in children]
    if children:
        return {c.tag: _xml_value(c, lists) for c in children}
    return el.text or ""


def _parse(path: Path, root_tag: str) -> Any:
    raw = path.read_bytes()
    if path.suffix.lower() == ".xml":
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as exc:
            line, col = exc.position
            reason = str(exc).split(":")[0]
            raise ReadError(f"{path}:{line}:{col + 1}: not well-formed XML ({reason})") from None
        if root.tag != root_tag:
            raise ReadError(f"{path}:1:1: the root element is <{root.tag}>, not <{root_tag}>")
        return _xml_value(root, set(ITEM_TAGS))
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReadError(f"{path}:1:1: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_list(path: Path) -> list[dict[str, Any]]:
    """A service list (.json or .xml) as a list of records with string values where the
    specification has strings (integer codes become text) and metadata as a boolean."""
    data = _parse(path, "services")
    if isinstance(data, dict) and "services" in data:  # {"services": [...]} wrappers
        data = data["services"]
    if not isinstance(data, list):
        raise ReadError(f"{path}:1:1: a GeoReport v2 service list is a list of services")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise ReadError(f"{path}: service {i + 1} is not a record with service_code and "
                            f"service_name")
        rec = {k: item.get(k) for k in item}
        for key in ("service_code", "service_name", "description", "type", "keywords", "group"):
            if key in rec:
                rec[key] = _str(rec[key])
        rec["metadata"] = _bool(item.get("metadata", False))
        if not rec.get("service_code"):
            raise ReadError(f"{path}: service {i + 1} has no service_code")
        out.append(rec)
    return out


def read_definition(path: Path) -> dict[str, Any]:
    """A service definition (.json or .xml): {service_code, attributes: [...]} with attributes in
    their `order`."""
    data = _parse(path, "service_definition")
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict):
        raise ReadError(f"{path}:1:1: a service definition is a record with service_code and "
                        f"attributes")
    attrs = data.get("attributes") or []
    if isinstance(attrs, dict):  # XML with a single <attribute>
        attrs = [attrs.get("attribute", attrs)]
    out = []
    for i, a in enumerate(attrs):
        if not isinstance(a, dict):
            raise ReadError(f"{path}: attribute {i + 1} is not a record")
        values = a.get("values") or []
        if isinstance(values, dict):
            values = [values.get("value", values)]
        out.append({
            "variable": _bool(a.get("variable", True)),
            "code": _str(a.get("code")),
            "datatype": _str(a.get("datatype")) or "string",
            "required": _bool(a.get("required", False)),
            "datatype_description": _str(a.get("datatype_description")),
            "order": a.get("order"),
            "description": _str(a.get("description")),
            "values": [{"key": _str(v.get("key")), "name": _str(v.get("name"))}
                       for v in values if isinstance(v, dict)],
        })

    def order(item):
        try:
            return (0, float(item[1]["order"]))
        except (TypeError, ValueError):
            return (1, item[0])
    out = [a for _, a in sorted(enumerate(out), key=lambda ia: (order(ia), ia[0]))]
    return {"service_code": _str(data.get("service_code")), "attributes": out}

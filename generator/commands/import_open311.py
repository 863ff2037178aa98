"""`kb import open311 PATH`: an existing GeoReport v2 service list becomes catalog YAML.

PATH is a service list (``services.json`` or ``services.xml``, any file name) or a folder holding
one. Service definitions are read from beside the list, where a GeoReport v2 endpoint keeps them:
``services/<code>.json`` or ``services/<code>.xml`` next to the list file.

One ``catalog/services/<id>.yaml`` per service, in the content model (never the raw record): a
readable id from the name, the Open311 ``group`` as ``group``, ``description`` as ``summary``,
``keywords`` split at commas, the definition's attributes as ``request.questions``, and the
original code and type in ``open311``. Departments come from a mapping file (``--departments``)
or else all go to one placeholder department, which the report names. Existing files are never
replaced unless ``--force`` is given; a service whose code is already in the catalog is the same
service (its file is the one replaced). Everything that could not be carried over is reported.
Nothing is written when the list or the mapping cannot be read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.commands.scaffold import schema_url
from generator.errors import KbError, Problems
from generator.formats import open311
from generator.pipeline.load import ID_RE, read_text
from generator.pipeline.schema import raw_schema

PLACEHOLDER_DEPT = "unassigned"
PLACEHOLDER_GROUPS = {"en": "Other services", "de": "Weitere Anliegen", "es": "Otros servicios",
                      "fr": "Autres services"}
TYPES = ("realtime", "batch", "blackbox")
KNOWN_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                "group"}
LIMITS = {"name": 120, "group": 80, "summary": 300}
_TRANSLIT = {"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue",
             "æ": "ae", "ø": "o", "å": "a", "ł": "l", "đ": "d", "þ": "th", "&": " and "}


def make_id(text: str, fallback: str) -> str:
    """A readable id from a name: 'Straßen- und Gehwegschäden' -> 'strassen-und-gehwegschaeden'."""
    s = "".join(_TRANSLIT.get(c, c) for c in str(text))
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    s = s[:60].strip("-")
    return s or fallback


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.lines.append(f"{where}: {message}")


@dataclass
class Planned:
    path: Path
    text: str
    replaces: bool = False


# --- inputs ------------------------------------------------------------------------------------

def find_list(path: Path) -> Path:
    path = Path(path)
    if path.is_dir():
        for name in ("services.json", "services.xml"):
            if (path / name).is_file():
                return path / name
        raise KbError(f"{path}: no services.json or services.xml in this folder")
    if not path.is_file():
        raise KbError(f"{path}: no such file")
    if path.suffix.lower() not in (".json", ".xml"):
        raise KbError(f"{path}: a GeoReport v2 service list is a .json or .xml file")
    return path


def find_definition(list_path: Path, code: str) -> Path | None:
    if not _safe_code(code):
        return None
    first = list_path.suffix.lower().lstrip(".")
    for ext in (first, "xml" if first == "json" else "json"):
        candidate = open311.definition_path(list_path.parent, code, ext)
        if candidate.is_file():
            return candidate
    return None


_CODE_RE = None


def _safe_code(code: str) -> bool:
    """The rule kb check applies to open311.code (from the service schema)."""
    global _CODE_RE
    if _CODE_RE is None:
        pattern = raw_schema("service.schema.json")["properties"]["open311"]["properties"]["code"]["pattern"]
        _CODE_RE = re.compile(pattern)
    return bool(_CODE_RE.search(code))


@dataclass
class Mapping:
    groups: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    def department(self, code: str, group: str) -> str | None:
        return self.codes.get(code) or self.groups.get(group) or self.default


MAPPING_HELP = ("a mapping file has 'groups' (Open311 group -> department id), 'codes' (service "
                "code -> department id), 'default' (department id) and 'names' (department id -> "
                "name, for departments not yet in catalog/departments/)")


def read_mapping(path: Path) -> Mapping:
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise KbError(f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise KbError(f"{path}:1:1: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else f"{path}:1:1"
        raise KbError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict):
        raise KbError(f"{path}:1:1: {MAPPING_HELP}")
    unknown = sorted(set(data) - {"groups", "codes", "default", "names"})
    if unknown:
        raise KbError(f"{path}: {unknown[0]}: unknown field; {MAPPING_HELP}")
    m = Mapping()
    for key in ("groups", "codes", "names"):
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise KbError(f"{path}: {key}: must be a mapping of 'from: to' lines")
        for k, v in value.items():
            if key != "names" and (not isinstance(v, str) or not ID_RE.match(v)):
                raise KbError(f"{path}: {key}.{k}: '{v}' is not a department id (lowercase "
                              f"letters, digits and hyphens, like 'public-works')")
            if key == "names" and not ID_RE.match(str(k)):
                raise KbError(f"{path}: names.{k}: not a department id (lowercase letters, digits "
                              f"and hyphens, like 'public-works')")
            getattr(m, key)[open311._str(k)] = str(v)
    default = data.get("default")
    if default is not None:
        if not isinstance(default, str) or not ID_RE.match(default):
            raise KbError(f"{path}: default: '{default}' is not a department id (lowercase "
                          f"letters, digits and hyphens, like 'public-works')")
        m.default = default
    return m


def _site_lang(root: Path) -> str:
    try:
        data = yaml.safe_load(read_text(root / "mkdocs.yml", "mkdocs.yml", Problems()) or "")
        return str(data["extra"]["kb"]["languages"][0]["code"])
    except Exception:  # no site yet, or one kb check will explain
        return "en"


def _existing(root: Path) -> tuple[set[str], dict[str, str]]:
    """Ids of the existing services, and their Open311 codes -> ids."""
    ids, codes = set(), {}
    folder = root / "catalog" / "services"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        ids.add(path.stem)
        try:  # as kb reads content: no link out of the folder, no pipe to wait on
            data = yaml.safe_load(read_text(path, f"catalog/services/{path.name}", Problems()) or "") or {}
        except Exception:
            continue
        code = (data.get("open311") or {}).get("code") if isinstance(data, dict) else None
        codes[open311._str(code) if code is not None else path.stem] = path.stem
    return ids, codes


# --- conversion --------------------------------------------------------------------------------

def _questions(defn: dict, where: str, report: Report) -> list[dict]:
    out, seen = [], set()
    for i, a in enumerate(defn["attributes"], 1):
        raw = a["code"]
        code = make_id(raw, f"question-{i}")
        base, n = code, 2
        while code in seen:
            code, n = f"{base}-{n}", n + 1
        seen.add(code)
        if code != raw:
            report.add(where, f"attribute '{raw}' is question '{code}' (question codes are "
                              f"lowercase letters, digits and hyphens)")
        q: dict[str, Any] = {"code": code, "prompt": a["description"] or raw or code}
        if not a["description"]:
            report.add(where, f"attribute '{raw}' has no description; its prompt is its code")
        datatype = a["datatype"]
        if datatype not in open311.DATATYPES:
            report.add(where, f"attribute '{raw}' has datatype '{datatype}', which GeoReport v2 "
                              f"does not have; imported as string")
            datatype = "string"
        values = [{"key": v["key"], "name": v["name"] or v["key"]} for v in a["values"] if v["key"]]
        if datatype in ("singlevaluelist", "multivaluelist") and not values:
            report.add(where, f"attribute '{raw}' is a {datatype} without values; imported as "
                              f"string")
            datatype = "string"
        q["datatype"] = datatype
        if a["datatype_description"]:
            q["datatype_description"] = a["datatype_description"]
        q["required"] = a["required"]
        if not a["variable"]:
            q["variable"] = False
        if values and datatype in ("singlevaluelist", "multivaluelist"):
            q["values"] = values
        elif values:
            report.add(where, f"attribute '{raw}' lists values but is a {datatype}; values "
                              f"left out")
        out.append(q)
    return out


def _yaml(data: dict, comments: list[str], schema_url: str) -> str:
    import textwrap

    head = [f"# yaml-language-server: $schema={schema_url}"]
    for c in comments:
        head += [f"# {line}" for line in textwrap.wrap(c, 96)]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
    return "\n".join(head) + "\n" + body


def plan(list_path: Path, root: Path, mapping: Mapping | None, force: bool
         ) -> tuple[list[Planned], Report, dict[str, int]]:
    """What would be written, and the report; raises KbError when the list cannot be read."""

    try:
        records = open311.read_list(list_path)
    except open311.ReadError as exc:
        raise KbError(str(exc)) from None
    except OSError as exc:
        raise KbError(f"{list_path}: cannot read it ({exc.strerror})") from None
    report = Report()
    lang = _site_lang(root)
    placeholder_group = PLACEHOLDER_GROUPS.get(lang.split("-")[0], PLACEHOLDER_GROUPS["en"])
    ids, codes = _existing(root)
    departments = root / "catalog" / "departments"
    taken = set(ids)
    planned: list[Planned] = []
    counts = {"services": 0, "skipped": 0, "without_definition": 0, "departments": 0}
    names_only = 0  # services with neither keywords nor a description: found by their names alone
    used_depts: dict[str, int] = {}
    extra_fields: set[str] = set()
    seen_codes: set[str] = set()
    name = list_path.name

    for rec in records:
        code = rec["service_code"]
        svc_name = rec.get("service_name") or ""
        where = f"{name}: service {code}" + (f" ({svc_name})" if svc_name else "")
        extra_fields |= set(rec) - KNOWN_FIELDS
        if code in seen_codes:
            report.add(where, "listed twice; the second is left out")
            counts["skipped"] += 1
            continue
        seen_codes.add(code)
        if not _safe_code(code):
            report.add(where, "not imported: clients could not request this code as a file "
                              "(it has '..', '?', '#', '%', a backslash, a control character or "
                              "an empty or '.' part between slashes)")
            counts["skipped"] += 1
            continue
        if not svc_name.strip():
            report.add(where, "has no service_name; its name is its code")
            svc_name = code
        # the file: the same service (same code) keeps its file; else a new readable id
        if code in codes:
            sid = codes[code]
            if not force:
                report.add(where, f"catalog/services/{sid}.yaml already has this code; not "
                                  f"replaced (use --force to replace it)")
                counts["skipped"] += 1
                continue
            replaces = True
        else:
            base = make_id(svc_name, "service-" + make_id(code, "x"))
            sid, n = base, 2
            while sid in taken:
                sid, n = f"{base[:60]}-{n}", n + 1
            replaces = False
        taken.add(sid)

        comments = [f"Imported from the Open311 service list {name} (service_code {code})."]
        description = rec.get("description") or ""
        group = rec.get("group") or ""
        o311: dict[str, Any] = {"code": code}
        svc_type = rec.get("type") or "realtime"
        if svc_type not in TYPES:
            report.add(where, f"type '{svc_type}' is not realtime, batch or blackbox; imported "
                              f"as realtime")
            svc_type = "realtime"
        o311["type"] = svc_type
        summary = description
        long_description = None
        if not description.strip():
            summary = svc_name
            o311["description"] = False
            comments.append("The list had no description: the summary repeats the name, and the "
                            "Open311 list stays without one until 'description: false' under "
                            "open311 is removed. Write a sentence.")
        elif len(description) > LIMITS["summary"]:
            first = re.split(r"(?<=[.!?])\s", description.strip(), maxsplit=1)[0]
            summary = first if len(first) <= LIMITS["summary"] else first[:LIMITS["summary"] - 1] + "…"
            long_description = description
            report.add(where, "description is longer than a summary (300 characters); "
                              "the summary is its first sentence and the whole text is the "
                              "description, so the Open311 description becomes that sentence")
        if not group.strip():
            group = placeholder_group
            o311["group"] = False
            comments.append(f"The list had no group: it is browsed under '{group}', and the "
                            f"Open311 list stays without one until 'group: false' under open311 "
                            f"is removed.")
        for key, value in (("name", svc_name), ("group", group)):
            if len(value) > LIMITS[key]:
                report.add(where, f"{key} is {len(value)} characters long; kb check allows "
                                  f"{LIMITS[key]}: shorten it in catalog/services/{sid}.yaml")
        dept = mapping.department(code, rec.get("group") or "") if mapping else None
        if dept is None:
            dept = PLACEHOLDER_DEPT
        used_depts[dept] = used_depts.get(dept, 0) + 1

        data: dict[str, Any] = {"name": svc_name, "department": dept, "group": group,
                                "summary": summary}
        keywords = [k.strip() for k in (rec.get("keywords") or "").split(",") if k.strip()]
        if keywords:
            data["keywords"] = list(dict.fromkeys(keywords))
        if long_description:
            data["description"] = long_description
        if not keywords and not description.strip():
            names_only += 1
        if rec["metadata"]:
            defn_path = find_definition(list_path, code)
            if defn_path is None:
                counts["without_definition"] += 1
                report.add(where, f"metadata is true but there is no definition beside the list "
                                  f"(services/{code}.json or .xml); imported without questions")
                comments.append("The Open311 list says it has a service definition, but none "
                                "was imported: add its questions under request.questions.")
            else:
                try:
                    defn = open311.read_definition(defn_path)
                except (open311.ReadError, OSError) as exc:
                    counts["without_definition"] += 1
                    report.add(where, f"definition not imported: {exc}")
                    defn = None
                if defn is not None:
                    questions = _questions(defn, where, report)
                    if questions:
                        data["request"] = {"questions": questions}
                    else:
                        report.add(where, "the definition has no attributes")
        data["open311"] = o311
        path = root / "catalog" / "services" / f"{sid}.yaml"
        planned.append(Planned(path, _yaml(data, comments, schema_url(root, "service")), replaces))
        counts["services"] += 1

    # departments: the placeholder, or mapped ids that have no file yet
    for dept, n in sorted(used_depts.items()):
        path = departments / f"{dept}.yaml"
        placeholder = dept == PLACEHOLDER_DEPT and (mapping is None or dept not in mapping.names)
        if placeholder:
            report.add("departments", f"{n} service{'s' if n != 1 else ''} went to the "
                                      f"placeholder department '{PLACEHOLDER_DEPT}' "
                                      f"(catalog/departments/{PLACEHOLDER_DEPT}.yaml): give "
                                      f"{'them their' if n != 1 else 'it its'} real department, "
                                      f"or import again with --departments MAP.yaml")
        if path.exists():
            continue
        if placeholder:
            data = {"name": "Not yet assigned (imported from Open311)", "kind": "city",
                    "description": "Services imported from an Open311 list, waiting for their "
                                   "department."}
            comments = ["A placeholder: give each service here its real department (the "
                        "'department' field of the service), then delete this file."]
        else:
            data = {"name": (mapping.names.get(dept) if mapping else None)
                    or dept.replace("-", " ").capitalize(), "kind": "city"}
            comments = ["Created by kb import open311 for the services mapped here: add the "
                        "phone number, hours and a description."]
            report.add("departments", f"catalog/departments/{dept}.yaml did not exist and was "
                                      f"created with only a name: add its phone, hours and "
                                      f"description")
        planned.append(Planned(path, _yaml(data, comments, schema_url(root, "department"))))
        counts["departments"] += 1
    if extra_fields:
        report.add(name, f"fields that are not GeoReport v2 service fields were left out: "
                         f"{', '.join(sorted(extra_fields))}")
    if names_only:
        one = names_only == 1
        report.add("search", f"{names_only} service{'' if one else 's'} "
                             f"{'has' if one else 'have'} only {'its' if one else 'their'} name "
                             f"to be found by (no keywords, no description): give "
                             f"{'it' if one else 'each'} the words callers use, as 'keywords' "
                             f"(the editors' guide says how)")
    return planned, report, counts


def run(path: Path, root: Path, departments: Path | None, force: bool) -> tuple[list[Planned], Report, dict]:
    list_path = find_list(path)
    mapping = read_mapping(departments) if departments else None
    planned, report, counts = plan(list_path, Path(root), mapping, force)
    for item in planned:  # everything was read and converted; now write
        item.path.parent.mkdir(parents=True, exist_ok=True)
        item.path.write_text(item.text, "utf-8")
    return planned, report, counts

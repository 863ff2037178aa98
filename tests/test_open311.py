"""Open311 GeoReport v2: the static service list, definitions and discovery; a real client
(the `georeport` package) reading them over HTTP; `kb import open311` round trips with three
real cities' lists."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmltodict
import yaml
from conftest import BASE_TREE, MKDOCS_YML, write_tree
from georeport import GeoReport

DATA = Path(__file__).parent / "data" / "open311"
LISTS = ["bloomington-2018-services.json", "bloomington-2012-services.json", "giessen-services.xml"]
SPEC_KEYS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTR_KEYS = ["variable", "code", "datatype", "required", "datatype_description", "order",
             "description"]

TWO_LANGS = MKDOCS_YML.replace("      - {code: en, name: English}\n",
                               "      - {code: en, name: English}\n      - {code: es, name: Español}\n")

ODD = """\
name: {name}
department: public-works
group: {group}
summary: {summary}
keywords: [one, two words]
request:
  questions:
    - {{code: where, prompt: "Where is it?", datatype: string, required: true}}
    - {{code: when, prompt: "When did it start?", datatype: datetime, datatype_description: "Date and time"}}
    - {{code: kinds, prompt: "What kind?", datatype: multivaluelist, values: [{{key: "1", name: Paint}}, {{key: b, name: Paper}}]}}
    - {{code: note, prompt: "Crews come within a week.", variable: false}}
open311: {{code: {code}, type: {type}}}
"""

ODD_SERVICES = {
    "space": ("Space code", "Signs", "A code with a space.", '"sign down"', "batch"),
    "slash": ("Slash code", "Signs", "A code with a slash.", '"roads/potholes"', "realtime"),
    "colon": ("Colon code", "Trees", "A code with a colon.", '"urn:tree:1"', "blackbox"),
    "apostrophe": ("Apostrophe code", "Trees", "A code with an apostrophe.", "\"o'neil-park\"",
                   "realtime"),
    "integer": ("Integer code", "Trees", "An integer code.", "15", "realtime"),
}


def odd_tree(root: Path, mkdocs: str = MKDOCS_YML) -> Path:
    files = {**BASE_TREE, "mkdocs.yml": mkdocs}
    for sid, (name, group, summary, code, type_) in ODD_SERVICES.items():
        files[f"catalog/services/{sid}.yaml"] = ODD.format(name=name, group=group, summary=summary,
                                                           code=code, type=type_)
    return write_tree(root, files)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The odd-code tree in two languages, built for both audiences."""
    from generator.pipeline.build import build

    base = tmp_path_factory.mktemp("open311")
    root = odd_tree(base / "city", TWO_LANGS)
    build(root, base / "site", quiet=True)
    return root, base / "site"


def catalog_yaml(root: Path) -> dict[str, dict]:
    """The catalog's services, from the YAML, by Open311 code (open311.code, else the id)."""
    out = {}
    for path in sorted((root / "catalog" / "services").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        code = str((data.get("open311") or {}).get("code", path.stem))
        out[code] = data
    return out


def expected_entry(data: dict) -> dict:
    o311 = data.get("open311") or {}
    entry = {"service_name": data["name"],
             "description": data["summary"] if o311.get("description", True) else "",
             "type": o311.get("type", "realtime"),
             "keywords": ", ".join(data.get("keywords") or []),
             "metadata": bool((data.get("request") or {}).get("questions"))}
    if o311.get("group", True):
        entry["group"] = data["group"]
    return entry


# --- the files, as the specification says ------------------------------------------------------

def test_service_list_json_follows_the_specification(built):
    root, site = built
    services = json.loads((site / "public/open311/v2/services.json").read_text("utf-8"))
    assert isinstance(services, list)
    expected = catalog_yaml(root)
    assert sorted(s["service_code"] for s in services) == sorted(expected)
    for s in services:
        assert list(s) == SPEC_KEYS
        assert isinstance(s["service_code"], str) and isinstance(s["metadata"], bool)
        code = s.pop("service_code")
        assert s == expected_entry(expected[code])
    assert {s["group"] for s in services} == {"Signs", "Trees", "Streets and sidewalks"}


def test_service_list_xml_has_the_specification_elements(built):
    root, site = built
    tree = ET.parse(site / "public/open311/v2/services.xml").getroot()
    assert tree.tag == "services"
    assert all(child.tag == "service" for child in tree)
    for service in tree:
        assert [e.tag for e in service] == SPEC_KEYS
    by_code = {s.findtext("service_code"): s for s in tree}
    assert by_code["sign down"].findtext("metadata") == "true"
    assert by_code["streetlight-outage"].findtext("metadata") == "false"
    assert by_code["sign down"].findtext("keywords") == "one, two words"
    assert by_code["sign down"].findtext("type") == "batch"


def test_definitions_are_at_the_path_a_client_requests(built):
    _, site = built
    v2 = site / "public/open311/v2"
    for code in ("sign down", "roads/potholes", "urn:tree:1", "o'neil-park", "15", "4"):
        for ext in ("json", "xml"):
            assert (v2 / "services" / f"{code}.{ext}").is_file(), code
    assert (v2 / "services" / "roads" / "potholes.json").is_file()
    # a service without questions has no definition (metadata: false)
    assert not list(v2.glob("services/streetlight-outage.*"))
    definition = json.loads((v2 / "services" / "roads/potholes.json").read_text("utf-8"))
    assert definition["service_code"] == "roads/potholes"
    attrs = definition["attributes"]
    assert [a["order"] for a in attrs] == [1, 2, 3, 4]
    assert all(list(a)[:7] == ATTR_KEYS for a in attrs)
    assert attrs[1]["datatype"] == "datetime" and attrs[1]["datatype_description"] == "Date and time"
    assert attrs[0]["datatype_description"] is None
    assert attrs[2]["values"] == [{"key": "1", "name": "Paint"}, {"key": "b", "name": "Paper"}]
    assert attrs[3]["variable"] is False and attrs[3]["description"] == "Crews come within a week."
    xml = ET.parse(v2 / "services" / "roads/potholes.xml").getroot()
    assert xml.tag == "service_definition"
    assert [e.tag for e in xml] == ["service_code", "attributes"]
    assert [e.tag for e in xml.find("attributes")] == ["attribute"] * 4
    values = xml.find("attributes")[2].find("values")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [("1", "Paint"), ("b", "Paper")]


def test_every_language_has_its_own_tree_and_the_root_is_the_source_language(built):
    _, site = built
    v2 = site / "public/open311/v2"
    for lang in ("en", "es"):
        for name in ("services.json", "services.xml", "discovery.json", "discovery.xml",
                     "services/roads/potholes.json", "services/o'neil-park.xml"):
            assert (v2 / lang / name).is_file(), (lang, name)
    assert (v2 / "services.json").read_bytes() == (v2 / "en" / "services.json").read_bytes()
    discovery = json.loads((v2 / "es" / "discovery.json").read_text("utf-8"))
    assert discovery["endpoints"][0]["url"] == "https://311.testville.example/open311/v2/es"
    assert discovery["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["changeset"] == "2026-09-21T14:13:20Z"  # SOURCE_DATE_EPOCH=1790000000
    xml = ET.parse(v2 / "discovery.xml").getroot()
    assert xml.tag == "discovery"
    assert [e.tag for e in xml.find("endpoints/endpoint/formats")] == ["format", "format"]


def test_internal_fields_never_reach_open311(built):
    _, site = built
    for path in (site / "public/open311").rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8")
            assert "I can take that report" not in text and "sinkhole" not in text, path
            assert "streets@testville.example" not in text, path


# --- a real client -----------------------------------------------------------------------------

def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _client_view(service: dict) -> dict:
    """A service as the client returned it (xmltodict gives text and None for empty elements)."""
    out = {k: ("" if service.get(k) is None else service[k]) for k in SPEC_KEYS if k in service}
    if isinstance(out["metadata"], str):
        out["metadata"] = out["metadata"] == "true"
    return out


def _attrs(definition: dict) -> list[dict]:
    attrs = definition["attributes"]
    if isinstance(attrs, dict):  # XML: <attributes><attribute>...</attribute></attributes>
        attrs = _as_list(attrs["attribute"])
    out = []
    for a in attrs:
        values = a.get("values")
        if isinstance(values, dict):
            values = _as_list(values["value"])
        out.append({
            "code": a["code"], "description": a["description"],
            "datatype": a["datatype"], "order": int(a["order"]),
            "required": a["required"] in (True, "true"),
            "variable": a["variable"] in (True, "true"),
            "datatype_description": a.get("datatype_description") or None,
            "values": [{"key": str(v["key"]), "name": v["name"]} for v in values or []]})
    return out


def _yaml_attrs(data: dict) -> list[dict]:
    return [{"code": q["code"], "description": q["prompt"], "datatype": q.get("datatype", "string"),
             "order": i, "required": q.get("required", False), "variable": q.get("variable", True),
             "datatype_description": q.get("datatype_description"),
             "values": [{"key": str(v["key"]), "name": v["name"]} for v in q.get("values") or []]}
            for i, q in enumerate(data["request"]["questions"], 1)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("lang", ["", "es/"])
def test_georeport_client_reads_what_the_catalog_says(built, serve, fmt, lang):
    root, site = built
    base = serve(site / "public" / "open311" / "v2")
    client = GeoReport(base + lang, output_format=fmt)
    services = [_client_view(s) for s in _as_list(client.get_service_list())]
    expected = catalog_yaml(root)
    assert sorted(s["service_code"] for s in services) == sorted(expected)
    with_questions = 0
    for s in services:
        code = s.pop("service_code")
        assert s == expected_entry(expected[code]), code
        if s["metadata"]:
            with_questions += 1
            definition = client.get_service_definition(code)
            assert definition["service_code"] == code
            assert _attrs(definition) == _yaml_attrs(expected[code]), code
    assert with_questions == 6


# --- kb check refuses codes a client could not request as a file -------------------------------

@pytest.mark.parametrize("code", ["../etc", "a?b", "a#b", "50%41", "a\\\\b", "/abs", "dir/",
                                  "a//b", "./x", "a/./b", "tab\\there", "bell\\x07"])
def test_check_refuses_codes_that_cannot_be_files(kb, make_tree, code):
    root = make_tree({"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\n"
                                                 f"summary: S.\nopen311: {{code: \"{code}\"}}\n"})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    assert ("catalog/services/x.yaml:5:17: open311.code: must be a code without '..', '?', '#', "
            "'%', backslashes, control characters or empty or '.' parts between slashes "
            "(clients request services/<code>.json)") in result.stderr


def test_check_accepts_spaces_slashes_colons_and_apostrophes(kb, tmp_path):
    root = odd_tree(tmp_path / "city")
    result = kb("check", "--root", root)
    assert result.exit_code == 0, result.output


# --- kb import open311: real lists, round trip -------------------------------------------------

def empty_site(root: Path, mkdocs: str = MKDOCS_YML) -> Path:
    return write_tree(root, {"mkdocs.yml": mkdocs})


def read_input(path: Path) -> list[dict]:
    """The list as given, read independently of kb (json / ElementTree)."""
    if path.suffix == ".json":
        return [{k: ("" if v is None else str(v)) for k, v in s.items()}
                for s in json.loads(path.read_text("utf-8"))]
    return [{e.tag: (e.text or "").strip() for e in s} for s in ET.parse(path).getroot()]


COMPARED = ("service_name", "description", "group", "type")


@pytest.mark.parametrize("name", LISTS)
def test_round_trip_of_a_real_service_list(kb, tmp_path, name):
    lang = "de" if name.startswith("giessen") else "en"
    mkdocs = MKDOCS_YML.replace("{code: en, name: English}", f"{{code: {lang}, name: {lang}}}")
    root = empty_site(tmp_path / "city", mkdocs)
    src = tmp_path / name
    shutil.copy(DATA / name, src)
    result = kb("import", "open311", src, "--root", root)
    assert result.exit_code == 0, result.output
    assert "placeholder department 'unassigned'" in result.stderr
    result = kb("build", "--root", root, "--audience", "public")
    assert result.exit_code == 0, result.output
    given = read_input(src)
    for ext in ("json", "xml"):
        out = root / "site/public/open311/v2" / f"services.{ext}"
        emitted = (json.loads(out.read_text("utf-8")) if ext == "json" else
                   xmltodict.parse(out.read_bytes(), force_list=("service",))["services"]["service"])
        by_code = {str(s["service_code"]): s for s in emitted}
        assert sorted(by_code) == sorted(s["service_code"] for s in given)
        for s in given:
            out_s = by_code[s["service_code"]]
            for key in COMPARED:
                assert (out_s.get(key) or "") == s.get(key, ""), (s["service_code"], key)
            assert ("group" in out_s) == bool(s.get("group")), s["service_code"]


def test_giessen_codes_keep_their_leading_zeros_and_names_become_readable_ids(kb, tmp_path):
    root = empty_site(tmp_path / "city")
    result = kb("import", "open311", DATA / "giessen-services.xml", "--root", root)
    assert result.exit_code == 0, result.output
    files = sorted(p.stem for p in (root / "catalog/services").glob("*.yaml"))
    assert "strassen-und-gehwegschaeden" in files and "verkehrsschild-beschaedigt" in files
    data = yaml.safe_load((root / "catalog/services/ampel-defekt.yaml").read_text("utf-8"))
    assert data["open311"] == {"code": "010", "type": "realtime", "description": False,
                               "group": False}
    assert data["summary"] == "Ampel defekt"
    sign = yaml.safe_load((root / "catalog/services/verkehrsschild-beschaedigt.yaml").read_text("utf-8"))
    assert sign["keywords"] == ["graffiti", "paintings"]
    assert sign["summary"] == "Report graffiti on a building you own."
    assert "is_array" not in (root / "catalog/services/ampel-defekt.yaml").read_text("utf-8")


ODD_CODES = ["sign down", "roads/potholes", "urn:tree:1", "o'neil-park", "4"]


def odd_list(folder: Path, fmt: str) -> Path:
    """A service list with awkward codes, and definitions beside it as an endpoint has them."""
    services = [{"service_code": c, "service_name": f"Service {i}", "description": f"Does {i}.",
                 "metadata": c != "4", "type": "realtime", "keywords": "a, b",
                 "group": "Odd codes"} for i, c in enumerate(ODD_CODES)]
    definition = lambda code: {"service_code": code, "attributes": [  # noqa: E731
        {"variable": True, "code": "WHERE_IS_IT", "datatype": "string", "required": True,
         "datatype_description": None, "order": 2, "description": "Where is it?"},
        {"variable": True, "code": "size", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "Pick one", "order": 1, "description": "How big?",
         "values": [{"key": 1, "name": "Small"}, {"key": 2, "name": "Large"}]}]}
    from generator.formats.open311 import to_json, to_xml

    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        (folder / "services.json").write_text(json.dumps(services), "utf-8")
    else:
        (folder / "services.xml").write_text(to_xml("services", services), "utf-8")
    for c in ODD_CODES[:3]:  # o'neil-park has no definition
        path = folder / "services" / f"{c}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        d = definition(c)
        path.write_text(to_json(d) if fmt == "json" else to_xml("service_definition", d), "utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_awkward_codes_survive_the_round_trip_and_a_client_reads_them(kb, tmp_path, serve, fmt):
    root = empty_site(tmp_path / "city")
    src = odd_list(tmp_path / "endpoint", fmt)
    result = kb("import", "open311", src, "--root", root)  # a folder: services.<fmt> inside
    assert result.exit_code == 0, result.output
    assert ("service o'neil-park (Service 3): metadata is true but there is no definition beside "
            "the list (services/o'neil-park.json or .xml); imported without questions") in result.stderr
    assert "attribute 'WHERE_IS_IT' is question 'where-is-it'" in result.stderr
    result = kb("build", "--root", root, "--audience", "public")
    assert result.exit_code == 0, result.output
    client = GeoReport(serve(root / "site/public/open311/v2"), output_format=fmt)
    services = {s["service_code"]: _client_view(s) for s in _as_list(client.get_service_list())}
    assert sorted(services) == sorted(ODD_CODES)
    assert services["sign down"]["description"] == "Does 0." and services["4"]["group"] == "Odd codes"
    catalog = catalog_yaml(root)
    for code in ODD_CODES[:3]:
        attrs = _attrs(client.get_service_definition(code))
        assert attrs == _yaml_attrs(catalog[code])
        assert [a["code"] for a in attrs] == ["size", "where-is-it"]  # in the given order
        assert attrs[0]["values"] == [{"key": "1", "name": "Small"}, {"key": "2", "name": "Large"}]


# --- the demo city -----------------------------------------------------------------------------

def test_demo_open311_output_matches_the_demo_catalog(demo_root, demo_site, serve):
    config = yaml.safe_load((demo_root / "mkdocs.yml").read_text("utf-8"))
    langs = [lang["code"] for lang in config["extra"]["kb"]["languages"]]
    expected = catalog_yaml(demo_root)
    base = serve(demo_site / "public" / "open311" / "v2")
    for lang in [""] + [f"{code}/" for code in langs]:
        for fmt in ("json", "xml"):
            client = GeoReport(base + lang, output_format=fmt)
            services = {s["service_code"]: _client_view(s) for s in _as_list(client.get_service_list())}
            assert sorted(services) == sorted(expected), (lang, fmt)
            for code, s in services.items():
                data = expected[code]
                assert s["metadata"] == bool((data.get("request") or {}).get("questions"))
                if lang in ("", f"{langs[0]}/"):  # the source language: the YAML's own words
                    assert {k: v for k, v in s.items() if k != "service_code"} == expected_entry(data)
                if s["metadata"]:
                    attrs = _attrs(client.get_service_definition(code))
                    assert [a["code"] for a in attrs] == [q["code"] for q in data["request"]["questions"]]
                    if lang in ("", f"{langs[0]}/"):
                        assert attrs == _yaml_attrs(data), code


def test_check_warns_about_codes_that_differ_only_in_case(kb, make_tree):
    root = make_tree({"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\n"
                                                 "summary: S.\nopen311: {code: \"A1\"}\n",
                      "catalog/services/y.yaml": "name: Y\ndepartment: public-works\ngroup: G\n"
                                                 "summary: S.\nopen311: {code: \"a1\"}\n"})
    result = kb("check", "--root", root)
    assert result.exit_code == 0
    assert ("catalog/services/y.yaml:5:17: open311.code: warning: Open311 code 'a1' differs only in case "
            "from 'A1' (catalog/services/x.yaml); on hosts that ignore case both definitions "
            "share one file") in result.stderr
    assert kb("check", "--root", root, "--strict").exit_code == 1

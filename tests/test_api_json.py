"""Catalog JSON (api/v1/): every file validates against its published schema; the public files
carry no internal field; the agent files do; generated_at is reproducible; editors' schema
comments point at a schema the site publishes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import BASE_TREE, MKDOCS_YML, write_tree
from jsonschema import Draft202012Validator, FormatChecker

MARK = "ZZINTERNAL"
TWO_LANGS = MKDOCS_YML.replace("      - {code: en, name: English}\n",
                               "      - {code: en, name: English}\n      - {code: es, name: Español}\n")
DEPT_FULL = f"""\
name: Parks
kind: city
description: Parks and trails.
phone: "555-555-0200"
email: parks@testville.example
url: https://testville.example/parks
address: 1 Park Way
jurisdiction: [county parks belong to the county]
hours:
  mon: ["08:00-12:00", "13:00-16:30"]
  sat: closed
  holidays: open
agent: {{transfer_line: "555-555-0299", after_hours_line: "555-555-0298", notes: "{MARK} dept notes"}}
owner: {{department: parks, contact: {MARK.lower()}@testville.example}}
review: {{last_reviewed: 2026-01-15, every_days: 90}}
"""
SERVICE_FULL = f"""\
name: Tree trimming
department: parks
group: Trees
summary: Ask for a city tree to be trimmed.
keywords: [branch, limb]
emergency: false
season: {{from: "03-01", to: "10-31"}}
description: |
  Crews trim **city** trees.
request:
  channels:
    - {{type: online, url: "https://testville.example/trees"}}
    - {{type: email, email: trees@testville.example}}
    - {{type: in_person, address: 1 Park Way, note: Weekdays}}
  questions:
    - {{code: where, prompt: "Where?", datatype: text, required: true, datatype_description: Address}}
    - {{code: size, prompt: "Size?", datatype: singlevaluelist, values: [{{key: s, name: Small}}]}}
response_time: {{value: 10, unit: days}}
fees: none
eligibility: City trees only.
related: [pothole-repair]
agent:
  script: "{MARK} script"
  transfer: {{to: public-works, when: "{MARK} when"}}
  escalation: "{MARK} escalation"
  notes: "{MARK} notes"
owner: {{department: parks, contact: {MARK.lower()}2@testville.example}}
review: {{last_reviewed: 2026-02-01}}
open311: {{code: "trees/trim", type: batch}}
"""
AGENT_ARTICLE = f"---\ntitle: {MARK} agent only\naudience: agent\n---\n{MARK} body.\n"
FLOW_ARTICLE = f"""\
---
title: Trees down
services: [tree-trimming]
summary: What to do about a fallen tree.
keywords: [storm]
owner: {{department: parks}}
flow:
  start: danger
  steps:
    danger: {{ask: "Is anyone hurt?", options: [{{label: "Yes", next: call}}, {{label: "No", next: trim}}]}}
    call: {{outcome: "Call 911.", transfer: public-works}}
    trim: {{outcome: "Request trimming.", service: tree-trimming}}
---
A tree fell.

!!! say
    "{MARK} say block"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from generator.pipeline.build import build

    base = tmp_path_factory.mktemp("api")
    root = write_tree(base / "city", {
        **BASE_TREE, "mkdocs.yml": TWO_LANGS,
        "catalog/departments/parks.yaml": DEPT_FULL,
        "catalog/services/tree-trimming.yaml": SERVICE_FULL,
        "articles/agent-only.md": AGENT_ARTICLE,
        "articles/trees-down.md": FLOW_ARTICLE,
    })
    build(root, base / "site", quiet=True)
    return root, base / "site"


def load(path: Path):
    return json.loads(path.read_text("utf-8"))


def validator(schema_folder: Path, name: str) -> Draft202012Validator:
    return Draft202012Validator(load(schema_folder / name), format_checker=FormatChecker())


@pytest.mark.parametrize("audience", ["public", "agent"])
def test_every_file_validates_against_its_published_schema(built, audience):
    _, site = built
    api = site / audience / "api" / "v1"
    checked = 0
    for lang in ("en", "es"):
        for name in ("catalog", "articles"):
            doc = load(api / lang / f"{name}.json")
            errors = list(validator(api / "schema", f"{name}.schema.json").iter_errors(doc))
            assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
            assert doc["schema_version"] == "1.0" and doc["lang"] == lang
            assert doc["generated_at"] == "2026-09-21T14:13:20Z"  # SOURCE_DATE_EPOCH=1790000000
            checked += 1
    assert checked == 4


def test_the_public_files_have_no_internal_field_and_would_fail_if_they_had(built):
    _, site = built
    for path in (site / "public").rglob("*.json"):
        assert MARK not in path.read_text("utf-8") and MARK.lower() not in path.read_text("utf-8"), path
    catalog = load(site / "public/api/v1/en/catalog.json")
    for item in catalog["services"] + catalog["departments"]:
        assert "agent" not in item and "owner" not in item
    # the public schema refuses what the agent file has: an internal field cannot slip through
    agent = load(site / "agent/api/v1/en/catalog.json")
    errors = list(validator(site / "public/api/v1/schema", "catalog.schema.json").iter_errors(agent))
    assert any("agent" in e.message for e in errors)


def test_the_agent_files_add_the_internal_fields(built):
    _, site = built
    catalog = load(site / "agent/api/v1/en/catalog.json")
    trees = next(s for s in catalog["services"] if s["id"] == "tree-trimming")
    assert trees["agent"] == {"script": f"{MARK} script",
                              "transfer": {"to": "public-works", "when": f"{MARK} when"},
                              "escalation": f"{MARK} escalation", "notes": f"{MARK} notes"}
    assert trees["owner"]["department"] == "parks"
    parks = next(d for d in catalog["departments"] if d["id"] == "parks")
    assert parks["agent"]["transfer_line"] == "555-555-0299"
    articles = {a["id"]: a for a in load(site / "agent/api/v1/en/articles.json")["articles"]}
    assert "agent-only" in articles and f"{MARK} say block" in articles["trees-down"]["body"]
    public = {a["id"]: a for a in load(site / "public/api/v1/en/articles.json")["articles"]}
    assert "agent-only" not in public and "say block" not in public["trees-down"]["body"]
    assert public["trees-down"]["flow"]["steps"]["trim"] == {"outcome": "Request trimming.",
                                                             "service": "tree-trimming"}


def test_every_public_field_of_the_yaml_is_in_the_public_catalog(built):
    root, site = built
    catalog = load(site / "public/api/v1/en/catalog.json")
    trees = next(s for s in catalog["services"] if s["id"] == "tree-trimming")
    source = yaml.safe_load((root / "catalog/services/tree-trimming.yaml").read_text("utf-8"))
    for key in set(source) - {"agent", "owner"}:
        assert key in trees, key
    assert trees["season"] == {"from": "03-01", "to": "10-31"}
    assert trees["request"]["questions"][0] == {
        "code": "where", "prompt": "Where?", "datatype": "text", "datatype_description": "Address",
        "required": True, "variable": True}
    assert trees["open311"] == {"code": "trees/trim", "type": "batch", "description": True,
                                "group": True}
    assert trees["review"] == {"last_reviewed": "2026-02-01", "every_days": 365}
    assert trees["page_url"] == "https://311.testville.example/en/services/tree-trimming/"
    parks = next(d for d in catalog["departments"] if d["id"] == "parks")
    dsource = yaml.safe_load((root / "catalog/departments/parks.yaml").read_text("utf-8"))
    for key in set(dsource) - {"agent", "owner"}:
        assert key in parks, key
    assert parks["hours"]["mon"] == ["08:00-12:00", "13:00-16:30"] and parks["hours"]["sun"] == []
    assert parks["hours"]["holidays"] == "open"
    assert (site / "public/es/services/tree-trimming/index.html").is_file()
    es = load(site / "public/api/v1/es/catalog.json")
    assert es["services"][0]["page_url"].startswith("https://311.testville.example/es/")


def test_catalog_schema_covers_every_public_field_of_the_content_schemas():
    """A field added to the content model must be added to the catalog JSON too."""
    from generator.formats import catalog_json
    from generator.pipeline import schema

    out = catalog_json.output_schemas("https://x/")["catalog.schema.json"]["$defs"]
    for kind in ("service", "department"):
        content = schema.raw_schema(schema.KIND_SCHEMAS[kind])["properties"]
        published = out[kind]["properties"]
        for key, sub in content.items():
            internal = schema.resolve({"$ref": sub["$ref"]} if "$ref" in sub else sub).get("x-internal") \
                or sub.get("x-internal")
            assert key in published, f"{kind}.{key} is missing from catalog.schema.json"
            assert bool(published[key].get("x-internal")) == bool(internal), f"{kind}.{key}"


def test_generated_at_is_the_newest_content_commit_without_source_date_epoch(tmp_path, monkeypatch):
    from gitrepo import Repo

    from generator.formats.catalog_json import generated_at

    repo = Repo(tmp_path / "city")
    repo.commit({**BASE_TREE}, "content", date="2026-03-04T05:06:07+02:00")
    repo.commit({"README.md": "not content\n"}, "docs", date="2026-05-01T00:00:00+00:00")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert generated_at(repo.root) == "2026-03-04T03:06:07Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert generated_at(repo.root) == "2026-09-21T14:13:20Z"


def test_published_content_schemas_resolve_their_references_at_the_site(built):
    _, site = built
    folder = site / "public/api/v1/schema"
    service = load(folder / "service.schema.json")
    assert service["$id"] == "https://311.testville.example/api/v1/schema/service.schema.json"
    refs = {v.split("#")[0] for v in _refs(service)}
    assert refs == {"defs.schema.json"} and (folder / "defs.schema.json").is_file()


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_scaffolded_files_point_at_a_schema_the_site_publishes(kb, tmp_path):
    root = tmp_path / "newcity"
    assert kb("init", root, "--city", "Newcity").exit_code == 0
    assert kb("new", "service", "bulky-pickup", "--root", root).exit_code == 0
    assert kb("new", "article", "bulky-help", "--root", root).exit_code == 0
    site_url = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))["site_url"]
    files = [root / "catalog/services/bulky-pickup.yaml", root / "articles/bulky-help.md",
             root / "catalog/departments/contact-centre.yaml"]
    result = kb("build", "--root", root, "--audience", "public")
    assert result.exit_code == 0, result.output
    for path in files:
        line = next(l for l in path.read_text("utf-8").splitlines() if "yaml-language-server" in l)
        url = line.split("$schema=", 1)[1].strip()
        assert url.startswith(site_url), url
        published = root / "site/public" / url[len(site_url):]
        assert published.is_file(), url
        kind = published.name.split(".")[0]
        assert kind in path.parts[-2] or kind in path.name or kind == "article"
        doc = path.read_text("utf-8")
        if path.suffix == ".yaml":  # the schema accepts the file it was scaffolded with
            # read as editors' YAML 1.2 tooling does (dates stay text), like kb itself
            from generator.pipeline.load import Doc, parse_yaml
            from generator.pipeline.schema import validator as content_validator
            parsed = Doc(path.name, kind, path.stem)
            parse_yaml(parsed, doc)
            assert not list(content_validator(kind).iter_errors(parsed.data))


def test_demo_json_validates_and_public_has_no_internal_field(demo_site):
    for audience in ("public", "agent"):
        api = demo_site / audience / "api" / "v1"
        langs = [p.name for p in api.iterdir() if p.is_dir() and p.name != "schema"]
        assert langs
        for lang in langs:
            for name in ("catalog", "articles"):
                doc = load(api / lang / f"{name}.json")
                errors = list(validator(api / "schema", f"{name}.schema.json").iter_errors(doc))
                assert not errors, (audience, lang, name, [e.message for e in errors[:3]])
    agent = load(demo_site / "agent/api/v1" / langs[0] / "catalog.json")
    assert any("agent" in s for s in agent["services"])


def test_demo_schema_comments_point_at_schemas_the_demo_publishes(demo_root, demo_site):
    site_url = yaml.safe_load((demo_root / "mkdocs.yml").read_text("utf-8"))["site_url"]
    seen = 0
    for path in sorted((demo_root / "catalog").rglob("*.yaml")):
        for line in path.read_text("utf-8").splitlines()[:3]:
            if "yaml-language-server: $schema=" in line:
                url = line.split("$schema=", 1)[1].strip()
                assert url.startswith(site_url), (path, url)
                assert (demo_site / "public" / url[len(site_url):]).is_file(), (path, url)
                seen += 1
    assert seen

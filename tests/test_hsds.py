"""HSDS 3.0 for 211 partners: the demo's api/hsds/ files validate against the official schemas
(tests/data/hsds/, copied with their licence), ids are stable UUIDs, and only the public site has
them."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "data" / "hsds" / "schema"
BASE = "https://hsds.test/schema/"
SITE_URL = "https://311.riverton.example.gov/"


def _resource(rel: str) -> Resource:
    contents = json.loads((SCHEMAS / rel).read_text("utf-8"))
    return Resource.from_contents({**contents, "$id": BASE + rel}, default_specification=DRAFT202012)


@pytest.fixture(scope="module")
def registry() -> Registry:
    rels = [p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*.json")]
    return Registry().with_resources((BASE + rel, _resource(rel)) for rel in rels)


def validator(registry: Registry, schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def page_schema(item: str) -> dict:
    """The HSDS API's list response: its Page, with `contents` items of the given list form."""
    openapi = json.loads((SCHEMAS / "openapi.json").read_text("utf-8"))
    page = copy.deepcopy(openapi["components"]["schemas"]["Page"])
    page["properties"]["contents"] = {"type": "array", "items": {"$ref": BASE + item}}
    page["required"] = ["total_items", "total_pages", "contents"]
    return page


def errors(registry, schema, value) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(registry, schema).iter_errors(value)]


@pytest.fixture(scope="module")
def hsds(demo_site) -> Path:
    return demo_site / "public" / "api" / "hsds"


def test_services_list_is_one_valid_page(hsds, registry, demo_site):
    data = json.loads((hsds / "services.json").read_text("utf-8"))
    assert errors(registry, page_schema("compiled/service_list.json"), data) == []
    catalog = json.loads((demo_site / "public" / "api" / "v1" / "en" / "catalog.json").read_text("utf-8"))
    assert data["total_items"] == len(catalog["services"]) == len(data["contents"]) > 40
    assert (data["total_pages"], data["page_number"], data["first_page"], data["last_page"]) == (1, 1, True, True)


def test_every_full_service_is_valid_and_says_what_211_needs(hsds, registry):
    schema = {"$ref": BASE + "service.json"}
    files = sorted((hsds / "services").glob("*.json"))
    assert len(files) > 40
    for path in files:
        data = json.loads(path.read_text("utf-8"))
        assert errors(registry, schema, data) == [], path.name
        assert path.stem == data["id"]
    pothole = json.loads((hsds / "services" / f"{_id('services/pothole-repair')}.json").read_text("utf-8"))
    assert pothole["name"] == "Pothole repair"
    assert pothole["organization"]["name"] == "Public Works – Streets"
    assert pothole["organization_id"] == _id("departments/public-works")
    assert pothole["url"] == SITE_URL + "en/services/pothole-repair/"
    assert {"number": "311", "type": "voice"}.items() <= pothole["phones"][0].items()
    assert {p["type"] for p in pothole["phones"]} == {"voice", "text", "textphone"}
    assert pothole["schedules"][0]["freq"] == "WEEKLY"
    assert pothole["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert [lang["code"] for lang in pothole["languages"]] == ["en", "es", "fr", "so", "hmn", "ar"]
    assert pothole["cost_options"][0]["option"] == "Free"
    assert pothole["service_areas"][0]["name"] == "Riverton"


def _id(path: str) -> str:
    """The id kb promises: uuid5 of the public site's address and the kb kind and id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, SITE_URL + path))


def test_organizations_are_departments_and_partners(hsds, registry, demo_root):
    data = json.loads((hsds / "organizations.json").read_text("utf-8"))
    assert errors(registry, page_schema("compiled/organization_list.json"), data) == []
    departments = sorted(p.stem for p in (demo_root / "catalog" / "departments").glob("*.yaml"))
    assert sorted(o["id"] for o in data["contents"]) == sorted(_id(f"departments/{d}") for d in departments)
    for org in data["contents"]:
        full = json.loads((hsds / "organizations" / f"{org['id']}.json").read_text("utf-8"))
        assert errors(registry, {"$ref": BASE + "organization.json"}, full) == [], org["name"]
    partner = json.loads((hsds / "organizations" / f"{_id('departments/united-way-211')}.json").read_text("utf-8"))
    assert partner["name"] == "United Way 211"
    assert partner["phones"][0]["number"] == "211"


def test_only_the_public_site_has_hsds(demo_site):
    assert (demo_site / "public" / "api" / "hsds" / "index.json").is_file()
    assert not (demo_site / "agent" / "api" / "hsds").exists()


def test_a_wrong_file_fails_the_schemas(hsds, registry):
    """The schemas do check: a service without a UUID id or a status is refused."""
    path = next((hsds / "services").glob("*.json"))
    data = json.loads(path.read_text("utf-8"))
    data["id"] = "pothole-repair"
    del data["status"]
    found = errors(registry, {"$ref": BASE + "service.json"}, data)
    assert any("'status' is a required property" in e for e in found)
    assert any("is not a 'uuid'" in e for e in found)

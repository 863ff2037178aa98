"""For residents who start at a search engine: schema.org JSON-LD read back from the built pages
and checked against a committed subset of the vocabulary (tests/data/schemaorg/), a meta
description and an Open Graph title in each page's language, sitemaps whose hreflang alternates
are real pages, robots.txt, and an agent site that asks not to be indexed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

VOCAB = json.loads((Path(__file__).parent / "data" / "schemaorg" / "vocabulary.json").read_text("utf-8"))
SITE_URL = "https://311.riverton.example.gov/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


class Head(HTMLParser):
    """The meta tags and the JSON-LD scripts of a page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.jsonld: list[str] = []
        self._in_ld = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"
        if self._in_ld:
            self.jsonld.append("")

    def handle_data(self, data):
        if self._in_ld:
            self.jsonld[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False


def head(path: Path) -> Head:
    return Head(path.read_text("utf-8"))


def ancestors(type_: str) -> set[str]:
    out, todo = set(), [type_]
    while todo:
        t = todo.pop()
        out.add(t)
        todo += VOCAB["types"][t]["parents"]
    return out


def check_node(node, where: str = "") -> list[str]:
    """Every property of every typed object is one the vocabulary gives its type, and every
    object value has a type the property allows."""
    problems = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            problems += check_node(item, f"{where}[{i}]")
        return problems
    if not isinstance(node, dict):
        return problems
    t = node.get("@type")
    if t not in VOCAB["types"]:
        return [f"{where}: unknown type {t!r}"]
    allowed = {p for a in ancestors(t) for p in VOCAB["types"][a]["properties"]}
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in allowed:
            problems.append(f"{where}.{key}: not a property of {t}")
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict):
                if not ancestors(v.get("@type", "Thing")) & set(VOCAB["ranges"].get(key, [])):
                    problems.append(f"{where}.{key}: {v.get('@type')} is not allowed here")
                problems += check_node(v, f"{where}.{key}")
    return problems


def catalog(demo_site, lang):
    return json.loads((demo_site / "public" / "api" / "v1" / lang / "catalog.json").read_text("utf-8"))


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_service_pages_carry_government_service_in_their_language(demo_site, lang):
    services = catalog(demo_site, lang)["services"]
    for svc in services:
        page = head(demo_site / "public" / lang / "services" / svc["id"] / "index.html")
        assert len(page.jsonld) == 1, svc["id"]
        data = json.loads(page.jsonld[0])
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "GovernmentService"
        assert check_node(data) == [], svc["id"]
        assert (data["name"], data["description"]) == (svc["name"], svc["summary"])
        assert data["url"] == f"{SITE_URL}{lang}/services/{svc['id']}/"
        assert data["provider"]["url"] == f"{SITE_URL}{lang}/departments/{svc['department']}/"
        assert data["areaServed"] == {"@type": "City", "name": "Riverton"}
        assert data["availableChannel"], svc["id"]
    pothole = json.loads(head(demo_site / "public" / lang / "services" / "pothole-repair" / "index.html").jsonld[0])
    channels = pothole["availableChannel"]
    assert channels[0]["processingTime"] == "P3D"
    assert {"@type": "ContactPoint", "telephone": "311"} in [c.get("servicePhone") for c in channels]
    hours = [c["servicePhone"]["hoursAvailable"] for c in channels if "hoursAvailable" in c.get("servicePhone", {})]
    assert hours and set(hours[0][0]["dayOfWeek"]) <= set(VOCAB["days"])
    assert channels[0]["availableLanguage"] == ["en", "es", "fr", "so", "hmn", "ar"]


def test_department_pages_carry_the_organization(demo_site):
    for dept in catalog(demo_site, "fr")["departments"]:
        data = json.loads(head(demo_site / "public" / "fr" / "departments" / dept["id"] / "index.html").jsonld[0])
        assert data["@type"] == ("GovernmentOrganization" if dept["kind"] == "city" else "Organization")
        assert check_node(data) == [], dept["id"]
        assert data["name"] == dept["name"]
        assert data.get("description") == dept.get("description")


def test_the_agent_site_has_no_jsonld_and_asks_not_to_be_indexed(demo_site):
    agent = demo_site / "agent"
    pages = sorted(agent.rglob("*.html"))
    assert len(pages) > 100
    for path in pages:
        page = head(path)
        assert page.meta.get("robots") == "noindex", path
        assert page.jsonld == [], path
    assert (agent / "robots.txt").read_text("utf-8") == "User-agent: *\nDisallow: /\n"
    # No sitemap index names the agent site's pages to anyone; each language keeps the engine's
    # own sitemap.xml, which Material's instant navigation reads.
    assert not (agent / "sitemap.xml").exists()


def test_every_public_page_has_a_description_and_og_title_in_its_language(demo_site):
    public = demo_site / "public"
    for lang in ("en", "es", "so"):
        pages = sorted((public / lang).rglob("*.html"))
        for path in pages:
            meta = head(path).meta
            assert "robots" not in meta, path
            if path.name == "404.html":
                continue
            assert meta.get("description") and meta.get("og:title"), path
            assert meta["og:description"] == meta["description"], path
        for svc in catalog(demo_site, lang)["services"][:10]:
            meta = head(public / lang / "services" / svc["id"] / "index.html").meta
            assert (meta["description"], meta["og:title"]) == (svc["summary"], svc["name"])
    es_home = head(public / "es" / "index.html").meta
    assert es_home["description"] == "311 de Riverton: servicios municipales"


def _file_of(url: str, public: Path) -> Path:
    assert url.startswith(SITE_URL), url
    return public / url[len(SITE_URL):] / "index.html"


def test_sitemaps_list_every_page_with_alternates_that_are_real_pages(demo_site):
    public = demo_site / "public"
    index = ET.parse(public / "sitemap.xml").getroot()
    locs = [e.text for e in index.findall("s:sitemap/s:loc", NS)]
    langs = ["en", "es", "fr", "so", "hmn", "ar"]
    assert locs == [f"{SITE_URL}{lang}/sitemap-languages.xml" for lang in langs]
    for lang in langs:
        root = ET.parse(public / lang / "sitemap-languages.xml").getroot()
        urls = root.findall("s:url", NS)
        pages = {p for p in (public / lang).rglob("index.html") if not p.relative_to(public / lang).parts[0] in ("kb", "assets", "search")}
        assert len(urls) == len(pages) > 100
        for url in urls:
            loc = url.find("s:loc", NS).text
            assert _file_of(loc, public).is_file(), loc
            assert url.find("s:lastmod", NS) is None
            links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
            assert set(links) == set(langs) | {"x-default"}, loc
            assert links[lang] == loc
            assert links["x-default"] == loc.replace(f"/{lang}/", "/en/", 1)
            for href in links.values():
                assert _file_of(href, public).is_file(), href
        # the plain one Material's instant navigation reads: the same pages, no alternates
        plain = ET.parse(public / lang / "sitemap.xml").getroot()
        assert [u.find("s:loc", NS).text for u in plain.findall("s:url", NS)] == \
            [u.find("s:loc", NS).text for u in urls]
        assert not plain.findall(".//x:link", NS)
    assert (public / "en" / "sitemap.xml.gz").is_file()


def test_robots_names_the_sitemap_index(demo_site):
    robots = (demo_site / "public" / "robots.txt").read_text("utf-8")
    assert robots == f"User-agent: *\nAllow: /\n\nSitemap: {SITE_URL}sitemap.xml\n"


HOSTILE = '</script><script>alert(1)</script> <!-- & "quotes"'


def test_content_cannot_close_the_jsonld_script(make_tree):
    from generator.pipeline.build import build

    root = make_tree({"catalog/services/streetlight-outage.yaml": (
        "name: 'Streetlight </script><script>alert(1)</script>'\ndepartment: public-works\n"
        "group: Streets\nsummary: 'Out <!-- & \"quotes\" </SCRIPT >'\n")})
    build(root, root / "site", audience="public", quiet=True)
    text = (root / "site" / "public" / "en" / "services" / "streetlight-outage" / "index.html").read_text("utf-8")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S | re.I).group(1)
    assert "<" not in script and ">" not in script
    data = json.loads(script)
    assert data["name"] == "Streetlight </script><script>alert(1)</script>"
    assert data["description"] == 'Out <!-- & "quotes" </SCRIPT >'
    assert "<script>alert(1)" not in text
    meta = head(root / "site" / "public" / "en" / "services" / "streetlight-outage" / "index.html").meta
    assert meta["og:title"] == "Streetlight </script><script>alert(1)</script>"

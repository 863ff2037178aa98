"""Injection: a payload corpus planted in every free-text content field (the schemas are walked to
make sure none is missed), built with real mkdocs and opened in Chromium. No dialog fires, no
script from content runs, no javascript: link, event handler, iframe or Jinja evaluation survives.

Decision (docs/security.md): plain-text fields are escaped; raw HTML in Markdown fields is
sanitised to an allow-list (nh3 in generator/pipeline/safety.py, after each engine), not rejected; JSON carries data, not HTML.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ENGINES, MKDOCS_YML, write_tree

PAYLOADS = [
    "<script>alert(1)</script>",
    "</title><script>alert(2)</script>",
    '"><img src=x onerror=alert(3)>',
    "'><svg onload=alert(4)>",
    "<svg><script>alert(5)</script></svg>",
    '<iframe src="javascript:alert(6)"></iframe>',
    '<a href="javascript:alert(7)">a</a>',
    "[a](javascript:alert(8))",
    "[a](<javascript:alert(9)>)",
    "[a](JaVaScRiPt:alert(10))",
    "[a](java&#115;cript:alert(11))",
    "<javascript:alert(12)>",
    "![a](x){: onerror=alert(13) }",
    "[a](https://x.example/){: onclick=alert(14) }",
    '<div style="width:expression(alert(15))">x</div>',
    "<details open ontoggle=alert(16)>x</details>",
    "{{ 'kb' ~ 'INJ' }} {% if 1 %}kb{% endif %}JINJA {# c #}",
    '<object data="javascript:alert(18)"></object>',
    '<form action="javascript:alert(19)"><button>b</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(20)">',
    "[a][r]\n\n[r]: javascript:alert(21)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(22)>",
    '<base href="javascript:alert(23)//">',
    '<a href="data:text/html,<script>alert(24)</script>">d</a>',
    '<div markdown="1" onmouseover="alert(25)">*x*</div>',
    "`<script>alert(26)</script>` and ```<img src=x onerror=alert(27)>```",
]
CITY = '"><img src=x onerror=alert(90)>'


def q(text: str) -> str:
    return json.dumps(text)


def planted_tree(root: Path) -> tuple[Path, set]:
    """One department, service, alert and article per payload, every text field holding it."""
    files = {
        "mkdocs.yml": MKDOCS_YML.replace("city: Testville", f"city: {q(CITY)}\n    hours: {q(PAYLOADS[0])}")
                                .replace("name: English", f"name: {q(PAYLOADS[2])}"),
        "catalog/calendar.yaml": "holidays:\n" + "".join(
            f"  - {{date: 2026-12-{i + 1:02d}, name: {q(p)}}}\n" for i, p in enumerate(PAYLOADS))
            + "closures:\n" + "".join(
            f"  - {{date: 2026-11-{i + 1:02d}, name: {q(p)}, departments: [dept-{i}]}}\n"
            for i, p in enumerate(PAYLOADS)),
    }
    for i, p in enumerate(PAYLOADS):
        v = q(p)
        files[f"catalog/departments/dept-{i}.yaml"] = (
            f"name: {v}\nkind: {'city' if i % 2 else 'partner'}\ndescription: {v}\naddress: {v}\n"
            f"phone: \"555-555-01{i:02d}\"\njurisdiction: [{v}]\nhours: {{mon: [\"08:00-17:00\"]}}\n"
            f"agent: {{transfer_line: \"555-555-02{i:02d}\", notes: {v}}}\n"
            f"readability: {{waive: {v}}}\n")
        files[f"catalog/services/svc-{i}.yaml"] = (
            f"name: {v}\ndepartment: dept-{i}\ngroup: {v}\nsummary: {v}\nkeywords: [{v}]\n"
            f"description: {v}\nrequest:\n  channels:\n"
            f"    - {{type: online, url: \"https://x.example/r/{i}\", note: {v}}}\n"
            f"    - {{type: in_person, address: {v}, note: {v}}}\n"
            f"  questions:\n"
            f"    - {{code: a, prompt: {v}, datatype: singlevaluelist, datatype_description: {v}, "
            f"values: [{{key: {v}, name: {v}}}]}}\n"
            f"    - {{code: b, prompt: {v}, variable: false}}\n"
            f"fees: {v}\neligibility: {v}\n"
            f"agent:\n  script: {v}\n  transfer: {{to: dept-{i}, when: {v}}}\n  escalation: {v}\n"
            f"  notes: {v}\nreadability: {{waive: {v}}}\n")
        files[f"catalog/alerts/alert-{i}.yaml"] = (
            f"title: {v}\nmessage: {v}\nstarts: 2020-01-01T00:00:00Z\nends: 2099-01-01T00:00:00Z\n"
            f"services: [svc-{i}]\naudience: both\n")
        files[f"articles/art-{i}.md"] = (
            f"---\ntitle: {v}\nsummary: {v}\nservices: [svc-{i}]\nkeywords: [{v}]\n"
            f"readability: {{waive: {v}}}\nflow:\n  start: s\n"
            f"  steps:\n    s: {{ask: {v}, options: [{{label: {v}, next: e}}]}}\n"
            f"    e: {{outcome: {v}, transfer: dept-{i}, service: svc-{i}}}\n---\n"
            f"Searchword kbpayload.\n\n{p}\n\n## {p.splitlines()[0]}\n\n!!! note \"{p.splitlines()[0]}\"\n    {p.splitlines()[0]}\n\n"
            f"- {p.splitlines()[0]}\n\n> {p.splitlines()[0]}\n")
    files["catalog/thesaurus.yaml"] = "en:\n  synonyms:\n" + "".join(
        f"    - [{q(p)}, kbsynonym{i}]\n" for i, p in enumerate(PAYLOADS)) + "  broader:\n" + "".join(
        f"    kbbroader{i}: [{q(p)}]\n" for i, p in enumerate(PAYLOADS))
    write_tree(root, files)
    return root, planted_fields(files)


def planted_fields(files: dict[str, str]) -> set:
    """(kind, field path with '*' for items) of every string value that holds a payload."""
    import yaml

    kinds = {"catalog/departments": "department", "catalog/services": "service",
             "catalog/alerts": "alert", "articles": "article"}
    out = set()

    def walk(kind, value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(kind, v, path + (("*",) if kind == "article" and path[-1:] == ("steps",) else (k,)))
        elif isinstance(value, list):
            for v in value:
                walk(kind, v, path + ("*",))
        elif isinstance(value, str) and (value in PAYLOADS or value == CITY):
            out.add((kind, path))

    for rel, text in files.items():
        folder = rel.rsplit("/", 1)[0]
        if rel == "mkdocs.yml":
            walk("config", yaml.safe_load(text)["extra"]["kb"], ())
        elif rel == "catalog/calendar.yaml":
            walk("calendar", yaml.safe_load(text), ())
        elif rel == "catalog/thesaurus.yaml":  # the schema's paths: any language, any word
            words = yaml.safe_load(text)["en"]
            walk("thesaurus", {"*": {"synonyms": words["synonyms"],
                                     "broader": {"*": v for v in words["broader"].values()}}}, ())
        elif folder in kinds:
            body = text.split("---\n")[1] if rel.endswith(".md") else text
            walk(kinds[folder], yaml.safe_load(body), ())
    return out


def free_text_fields() -> set:
    """Every string field the schemas allow free text in (no pattern, no enum)."""
    from generator.pipeline import schema

    out = set()
    for kind, name in schema.KIND_SCHEMAS.items():
        for path, sub in schema.walk(schema._walkable(name)):
            if sub.get("type") == "string" and "pattern" not in sub and "enum" not in sub:
                out.add((kind, path))
    return out


# Not shown anywhere (yet) or not text: the Babel locale and the logo file name.
NOT_PLANTED = {("config", ("languages", "*", "locale")), ("config", ("logo",))}


@pytest.fixture(scope="module", params=ENGINES)
def planted(tmp_path_factory, request):
    """The payload tree, built by each site engine: every engine's pages must be equally safe."""
    from generator.pipeline.build import build

    root, fields = planted_tree(tmp_path_factory.mktemp(f"inject-{request.param}") / "city")
    out = root / "site"
    build(root, out, quiet=True, engine=request.param)
    return out, fields, request.param


def test_every_free_text_field_holds_a_payload(planted):
    _, fields, _ = planted
    missing = free_text_fields() - fields - NOT_PLANTED
    assert not missing, f"add these fields to the payload tree: {sorted(missing)}"


class Audit(HTMLParser):
    """Collects what must never come from content: scripts, handlers, dangerous URLs and tags."""

    URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = self.in_jsonld = False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed", "base", "frame", "applet"):
            self.found.append(f"<{tag}>")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.found.append("<meta http-equiv=refresh>")
        self.in_script = tag == "script"
        # JSON-LD is data, not code: it must stay one JSON value (content cannot end it early)
        self.in_jsonld = self.in_script and ("type", "application/ld+json") in attrs
        for k, v in attrs:
            value = re.sub(r"[\s\x00-\x1f]", "", (v or "")).lower()
            if k.startswith("on"):
                self.found.append(f"<{tag} {k}=...>")
            if k in self.URL_ATTRS and value.startswith(("javascript:", "vbscript:", "data:text")):
                self.found.append(f"<{tag} {k}={v}>")
            if k == "style" and "expression(" in value:
                self.found.append(f"<{tag} style={v}>")

    def handle_data(self, data):
        if self.in_script and self.in_jsonld:
            try:
                json.loads(data)
            except ValueError:
                self.found.append(f"JSON-LD broken: {data[:60]}")
            return
        if self.in_script and "alert(" in data:
            self.found.append(f"script: {data[:60]}")

    def handle_endtag(self, tag):
        self.in_script = False


def test_no_payload_survives_in_any_file(planted):
    out, _, _ = planted
    pages = 0
    for path in sorted(p for site in ("public", "agent") for p in (out / site).rglob("*")):
        if path.suffix not in (".html", ".xml", ".json") or path.name.startswith("."):
            continue
        text = path.read_text("utf-8")
        assert "kbINJ" not in text and "kbJINJA" not in text, f"Jinja evaluated content in {path}"
        if path.suffix == ".html":
            pages += 1
            audit = Audit()
            audit.feed(text)
            assert not audit.found, f"{path.relative_to(out)}: {audit.found[:5]}"
    assert pages > 200
    # The payloads are shown as text, not dropped: residents see what was typed.
    svc = (out / "public/en/services/svc-0/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svc


IN_PAGE = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (v.startsWith('javascript:') || v.startsWith('vbscript:')) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  for (const a of document.links) if (a.protocol === 'javascript:') bad.push('link ' + a.href);
  for (const t of ['iframe', 'object', 'embed', 'base']) if (document.querySelector(t)) bad.push(t);
  if (window.__kbPwned) bad.push('flag');
  return bad;
}"""


@pytest.mark.browser
def test_no_dialog_and_no_script_in_chromium(planted, page, serve):
    out, _, _ = planted
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    for audience in ("public", "agent"):
        base = serve(out / audience)
        docs = out / audience / "en"
        urls = ["", "a-z/"] + [f"{kind}/{p.name}/" for kind in ("services", "answers", "departments")
                              for p in sorted((docs / kind).iterdir()) if p.is_dir()]
        if audience == "public":  # the agent pages show every field the public ones do, and more
            urls = urls[:2] + [u for u in urls if u.endswith(("-0/", "-3/", "-7/"))]
        for url in urls:
            page.goto(base + "en/" + url, wait_until="load")
            bad = page.evaluate(IN_PAGE)
            assert not bad, f"{audience}/en/{url}: {bad[:5]}"
        # Search results are made in the page from the index (kb/search/box.js).
        page.goto(base + "en/a-z/", wait_until="load")
        page.keyboard.press("s")  # the shortcut opens the search in the header
        page.locator("#kb-header-q").press_sequentially("kbpayload")
        page.wait_for_selector("[data-kb-search-dialog] .kb-search-result", timeout=15_000)
        assert not page.evaluate(IN_PAGE)
    assert not dialogs, dialogs[:5]

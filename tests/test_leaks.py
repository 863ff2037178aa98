"""The leak test: agent-only content never reaches the public site, in any file, in any language.

A unique marker is planted in every field the JSON Schemas mark ``x-internal`` (walked from the
schemas, so a field added later is covered without touching this test), in an agent-only article
(the schemas' ``x-internal-when``), in each agent-only block of a shared article and in an
agent-only alert. Everything is built for every language of the fixture's configuration; then every
byte of site/public/ is searched (compressed files opened) and none may be found, and every
marker must be found in site/agent/ in every language.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
import yaml
from conftest import BASE_TREE, ENGINES, write_tree

from generator.pipeline import schema

KINDS = {  # kind -> (file of the fixture tree, its YAML document)
    "service": "catalog/services/pothole-repair.yaml",
    "department": "catalog/departments/public-works.yaml",
    "article": "articles/potholes.md",
    "alert": "catalog/alerts/snow.yaml",
    "calendar": "catalog/calendar.yaml",
}
ALERT = ("title: Snow emergency\nmessage: Plows are out.\nstarts: \"2026-12-01T18:00:00-06:00\"\n"
         "ends: \"2026-12-03T06:00:00-06:00\"\n")
CALENDAR = "holidays:\n  - {date: 2026-12-25, name: Christmas Day}\n"
LANGUAGES = "      - {code: en, name: English}\n      - {code: es, name: Español}\n      - {code: hmn, name: Hmoob}\n"
DEFS = schema.raw_schema("defs.schema.json")["$defs"]


def marker(label: str) -> str:
    return "kbleak" + hashlib.sha1(label.encode()).hexdigest()[:12]


class Planter:
    """Fills every leaf under the internal paths of the schemas with a value that carries a marker."""

    def __init__(self):
        self.markers: dict[str, list[bytes]] = {}  # label -> the byte strings to look for
        self.planted: list[str] = []
        self.references: list[str] = []  # ids naming other (public) documents: not secrets
        self.phone_count = 0

    def leaf_value(self, label: str, leaf: dict):
        pattern = leaf.get("pattern")
        if pattern == DEFS["id"]["pattern"]:
            self.references.append(label)
            return "public-works"  # every internal reference today names a department
        token = marker(label)
        if pattern == DEFS["phone"]["pattern"]:
            self.phone_count += 1
            number = f"+1 987 65{self.phone_count:02d} {7000 + self.phone_count}"
            digits = "".join(c for c in number if c.isdigit())
            self.markers[label] = [number.encode(), digits.encode()]
            self.planted.append(label)
            return number
        if pattern == DEFS["email"]["pattern"]:
            self.markers[label] = [token.encode()]
            self.planted.append(label)
            return f"{token}@example.gov"
        if leaf.get("type", "string") == "string" and not pattern and "enum" not in leaf:
            self.markers[label] = [token.encode()]
            self.planted.append(label)
            return f"Secret {token} text."
        raise AssertionError(f"{label}: no way to plant a marker in {leaf}; extend the leak test")

    def plant(self, kind: str, data: dict) -> dict:
        for top in schema.marked_paths(kind, "x-internal"):
            sub = schema.resolve(dict(_at(schema._walkable(schema.KIND_SCHEMAS[kind]), top)))
            for rel, leaf in schema.walk(sub):
                if leaf.get("properties") or leaf.get("items") or leaf.get("additionalProperties"):
                    continue
                path = top + rel
                _set(data, path, self.leaf_value(f"{kind}:{'.'.join(map(str, path))}", leaf))
        return data

    def text(self, label: str) -> str:
        token = marker(label)
        self.markers[label] = [token.encode()]
        self.planted.append(label)
        return token


def _at(node: dict, path: tuple) -> dict:
    for key in path:
        node = schema.resolve(node)
        node = node["properties"][key] if key != "*" else (node.get("items") or node["additionalProperties"])
    return node


def _set(data: dict, path: tuple, value) -> None:
    for i, key in enumerate(path[:-1]):
        nxt = path[i + 1]
        if key == "*":
            raise AssertionError("internal lists are planted through their parent")
        data = data.setdefault(key, [{}] if nxt == "*" else {})
        if nxt == "*":
            data = data[0]
            path = path[:i + 1] + path[i + 2:]
    data[path[-1]] = value


def front_matter(text: str) -> tuple[dict, str]:
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


@pytest.fixture(scope="module", params=ENGINES)
def leak_site(tmp_path_factory, request):
    """The planted tree built by each site engine: no engine may publish an internal field."""
    from generator.pipeline.build import build

    planter = Planter()
    files = dict(BASE_TREE)
    files["mkdocs.yml"] = BASE_TREE["mkdocs.yml"].replace("      - {code: en, name: English}\n", LANGUAGES)
    files["catalog/alerts/snow.yaml"] = ALERT
    files["catalog/calendar.yaml"] = CALENDAR
    for kind, rel in KINDS.items():
        if rel.endswith(".md"):
            head, body = front_matter(files[rel])
            head = planter.plant(kind, head)
            files[rel] = "---\n" + yaml.safe_dump(head, sort_keys=False) + "---\n" + body
        else:
            files[rel] = yaml.safe_dump(planter.plant(kind, yaml.safe_load(files[rel])), sort_keys=False)

    # Agent-only blocks of a shared article, every kind and both admonition forms.
    blocks = "".join(
        f"\n{opener} {name}\n    Say {planter.text(f'block:{opener}{name}')} to the caller.\n"
        for name in ("agent", "say", "ask", "transfer") for opener in ("!!!", "???"))
    files["articles/potholes.md"] += blocks + "\nAfter the blocks, public text.\n"

    # An agent-only article (the schemas' x-internal-when), its id included.
    when = schema.raw_schema(schema.KIND_SCHEMAS["article"])["x-internal-when"]
    article_id = planter.text("article:id")
    head = {**when, "title": f"Call handling {planter.text('article:title')}",
            "summary": planter.text("article:summary"), "keywords": [planter.text("article:keyword")],
            "services": ["pothole-repair"],
            "flow": {"start": "q", "steps": {
                "q": {"ask": planter.text("article:flow.ask"),
                      "options": [{"label": planter.text("article:flow.label"), "next": "done"}]},
                "done": {"outcome": planter.text("article:flow.outcome"), "transfer": "public-works"}}}}
    files[f"articles/{article_id}.md"] = ("---\n" + yaml.safe_dump(head, sort_keys=False) + "---\n"
                                          + f"Internal steps: {planter.text('article:body')}.\n")
    # A public article links to it: residents get the words, never the address.
    files["articles/potholes.md"] += f"\nSee [the call guide](article:{article_id}).\n"

    # An agent-only alert.
    files["catalog/alerts/agent-memo.yaml"] = (
        f"title: Memo {planter.text('alert:title')}\nmessage: Read {planter.text('alert:message')}.\n"
        "starts: \"2026-12-01T18:00:00-06:00\"\nends: \"2026-12-03T06:00:00-06:00\"\n"
        "services: [pothole-repair]\naudience: agent\n")

    root = write_tree(tmp_path_factory.mktemp(f"leak-city-{request.param}"), files)
    out = root / "site"
    build(root, out, quiet=True, engine=request.param)
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    langs = [lang["code"] for lang in config["extra"]["kb"]["languages"]]
    return out, planter, langs


def every_file(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            yield path, data


def test_markers_were_planted_in_every_internal_field(leak_site):
    _, planter, langs = leak_site
    for kind in KINDS:
        for top in schema.marked_paths(kind, "x-internal"):
            prefix = f"{kind}:{'.'.join(top)}"
            assert any(label == prefix or label.startswith(prefix + ".") for label in planter.planted), prefix
    # What the schemas say today, so that a broken schema walk cannot pass silently:
    for label in ["service:agent.script", "service:agent.transfer.when", "service:agent.escalation",
                  "service:agent.notes", "service:owner.contact", "department:agent.transfer_line",
                  "department:agent.after_hours_line", "department:agent.notes",
                  "article:owner.contact"]:
        assert label in planter.planted, label
    assert set(planter.references) == {"service:agent.transfer.to", "service:owner.department",
                                       "department:owner.department", "article:owner.department"}
    assert len(langs) >= 2


def test_no_marker_anywhere_in_the_public_site(leak_site):
    out, planter, langs = leak_site
    public = out / "public"
    for lang in langs:
        assert (public / lang / "index.html").is_file(), lang
    found = []
    for path, data in every_file(public):
        for label, needles in planter.markers.items():
            if any(n in data for n in needles):
                found.append(f"{path.relative_to(public)}: {label}")
    assert found == []


def test_every_marker_is_in_the_agent_site_in_every_language(leak_site):
    out, planter, langs = leak_site
    agent = out / "agent"
    for lang in langs:
        blob = b"\n".join(data for _, data in every_file(agent / lang))
        missing = [label for label, needles in planter.markers.items() if needles[0] not in blob]
        assert missing == [], lang


@pytest.mark.parametrize("audience", ["public", "agent"])
def test_live_preview_writes_console_data_for_agents_only(make_tree, tmp_path, audience):
    from generator.commands.serve import Preview

    preview = Preview(make_tree(), None, audience, tmp_path / "work")
    preview.update()
    site_dir = preview.site_dir
    assert (site_dir / "alerts.json").is_file()
    assert (site_dir / "console.json").is_file() == (audience == "agent")
    assert (site_dir / "kb" / "agent" / "console.js").is_file() == (audience == "agent")


def test_build_audience_agent_writes_the_agent_site_only(make_tree, kb):
    root = make_tree()
    result = kb("build", "--root", root, "--audience", "agent")
    assert result.exit_code == 0, result.output
    agent = root / "site" / "agent" / "en"
    for path in ["index.html", "console.json", "alerts.json", "transfers/index.html",
                 "kb/agent/console.js", "services/pothole-repair/index.html"]:
        assert (agent / path).is_file(), path
    assert not (root / "site" / "public").exists()
    home = (agent / "index.html").read_text("utf-8")
    assert 'id="kb-console-q"' in home and "kb/agent/console.js" in home


def test_the_files_for_other_tools_and_search_engines_are_among_those_searched(leak_site):
    """HSDS, sitemaps and robots.txt are in the public folder walked above, with real content."""
    out, _, langs = leak_site
    public = out / "public"
    services = (public / "api" / "hsds" / "services.json").read_text("utf-8")
    assert "Pothole repair" in services
    assert len(list((public / "api" / "hsds" / "services").glob("*.json"))) == 2
    assert list((public / "api" / "hsds" / "organizations").glob("*.json"))
    assert (public / "robots.txt").is_file() and (public / "sitemap.xml").is_file()
    for lang in langs:
        assert "application/ld+json" in (public / lang / "services" / "pothole-repair" / "index.html").read_text("utf-8")
        assert (public / lang / "sitemap.xml").is_file()

"""Each pipeline stage on its own: load keeps positions, the public model has no internal fields,
render escapes plain text."""

from __future__ import annotations

from generator.errors import Problems
from generator.pipeline import schema
from generator.pipeline.load import Doc, load_tree, parse_yaml
from generator.pipeline.model import build_site, make_config, split_agent_blocks
from generator.pipeline.render import esc_text


def test_load_keeps_line_and_column_of_every_value():
    doc = Doc("x.yaml", "service", "x")
    parse_yaml(doc, "name: X\nrequest:\n  questions:\n    - {code: a, datatype: string}\n")
    assert doc.pos(("name",)) == (1, 7)
    assert doc.pos(("request", "questions", 0, "datatype")) == (4, 27)
    assert doc.key_pos(("request",)) == (2, 1)


def test_front_matter_positions_count_from_the_file(make_tree):
    root = make_tree({"articles/a.md": "---\ntitle: A\nservices: [pothole-repair]\n---\nBody line.\n"})
    problems = Problems()
    tree = load_tree(root, problems)
    doc = next(d for d in tree.docs if d.id == "a")
    assert doc.pos(("services", 0)) == (3, 12)
    assert doc.body_line == 5 and doc.body.startswith("Body line.")


def test_public_view_drops_every_internal_field():
    internal = schema.marked_paths("service", "x-internal")
    assert ("agent",) in internal and ("owner",) in internal
    data = {"name": "X", "agent": {"script": "secret"}, "owner": {"department": "d"}}
    assert schema.public_view("service", data) == {"name": "X"}


def test_public_model_has_no_agent_fields(make_tree):
    root = make_tree()
    problems = Problems()
    tree = load_tree(root, problems)
    config = make_config(tree.config)
    public = build_site(tree, config, "public")
    agent = build_site(tree, config, "agent")
    assert public.services["pothole-repair"].agent is None
    assert public.services["pothole-repair"].owner is None
    assert public.departments["public-works"].agent is None
    assert agent.services["pothole-repair"].agent.transfer.to == "public-works"


def test_agent_blocks_are_split_from_public_bodies():
    body = ("Intro.\n\n!!! say\n    Say this.\n\n    And this.\n\n!!! tip\n    Public tip.\n\n"
            "!!! ask \"Title\"\n    Ask this.\nAfter.\n")
    public = split_agent_blocks(body)
    assert "Say this" not in public and "And this" not in public and "Ask this" not in public
    assert "Public tip." in public and "Intro." in public and "After." in public


def test_plain_text_cannot_become_markup():
    out = esc_text("<script>alert(1)</script> *bold* [x](javascript:y) {: .c}")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\\*bold\\*" in out and "\\[x\\]" in out and "\\{" in out

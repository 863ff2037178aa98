"""Property-based tests of loading and validation: any input ends either valid or in a clean
ContentError (every problem with a file, a line, a column, a field and a message). Never another
exception. 2,000 examples in all, calling the check and model stages directly."""

from __future__ import annotations

import string

import pytest
import yaml
from conftest import ARTICLE, BASE_TREE, DEPARTMENT, SERVICE, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import ContentError
from generator.pipeline.build import check
from generator.pipeline.model import build_site

SETTINGS = dict(deadline=None, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TARGETS = {
    "service": "catalog/services/pothole-repair.yaml",
    "department": "catalog/departments/public-works.yaml",
    "article": "articles/potholes.md",
    "alert": "catalog/alerts/notice.yaml",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return write_tree(tmp_path_factory.mktemp("prop") / "city", BASE_TREE)


def run(root, rel: str, content: str | bytes) -> None:
    """Write one file into the tree, check it, and hold the outcome to the contract."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8", errors="surrogatepass")
    try:
        checked = check(root)
    except ContentError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.path and not p.path.startswith("/"), p
            assert p.line >= 1 and p.col >= 1, p
            assert p.field and p.message and "\n" not in p.message, p
        text = exc.format_message()
        assert "Traceback" not in text
        return
    finally:
        path.unlink()
        restore = BASE_TREE.get(rel)
        if restore is not None:
            path.write_text(restore, "utf-8")
    for audience in ("public", "agent"):  # a valid tree also makes a model
        build_site(checked.tree, checked.config, audience)


YAMLISH = st.text(alphabet=string.ascii_letters[:8] + string.digits[:3] + " \n\t:-[]{},'\"&*!#|>?%@`~.\\/",
                  max_size=200)


@settings(max_examples=700, **SETTINGS)
@given(kind=st.sampled_from(sorted(TARGETS)), text=YAMLISH)
def test_random_yamlish_text(tree, kind, text):
    if kind == "article":
        text = "---\n" + text + "\n---\nBody.\n"
    run(tree, TARGETS[kind], text)


FIELDS = ["name", "department", "group", "summary", "keywords", "description", "request",
          "channels", "questions", "type", "url", "code", "prompt", "values", "key", "hours", "mon",
          "kind", "title", "services", "flow", "start", "steps", "ask", "options", "next", "outcome",
          "starts", "ends", "audience", "agent", "transfer", "to", "review", "last_reviewed",
          "related", "open311", "season", "from", "response_time", "unit", "value", "emergency"]
SCALARS = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from(["public-works", "pothole-repair", "phone", "online", "closed", "both",
                              "07:00-17:00", "2026-01-01", "2026-01-01T00:00:00Z", "https://x.example/",
                              "service:pothole-repair", "[x](service:nope)", "", "no", "24:00"])
           | st.text(max_size=30))
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=6),
    max_leaves=15)


@settings(max_examples=450, **SETTINGS)
@given(kind=st.sampled_from(sorted(TARGETS)),
       data=st.dictionaries(st.sampled_from(FIELDS), STRUCTURES, max_size=10))
def test_random_structures_dumped_to_yaml(tree, kind, data):
    text = yaml.safe_dump(data, allow_unicode=True)
    if kind == "article":
        text = "---\n" + text + "---\nBody with [a link](service:pothole-repair).\n"
    run(tree, TARGETS[kind], text)


VALID = {"service": SERVICE, "department": DEPARTMENT, "article": ARTICLE,
         "alert": "title: Notice\nmessage: Pickup is a day late.\nstarts: 2026-01-01T08:00:00-06:00\n"
                  "ends: 2026-01-03T08:00:00-06:00\nservices: [pothole-repair]\naudience: both\n"}
INSERTS = st.sampled_from(["\t", ": ", "- ", "[", "]", "{", "}", "'", '"', "&a ", "*a", "!!str ",
                           "\n", "\n  ", "#", "---\n", "no", "null", "\ufeff", "\x00", "\u2028",
                           "é", "[x](service:nope)", "99:99-00:00", "javascript:alert(1)"])


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(sorted(VALID)))
    text = VALID[kind]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "swap", "duplicate"]))
        i = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:i] + draw(INSERTS) + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 20)):]
        else:
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if op == "swap":
                lines[a], lines[b] = lines[b], lines[a]
            else:
                lines.insert(b, lines[a])
            text = "\n".join(lines)
    return kind, text


@settings(max_examples=700, **SETTINGS)
@given(case=mutated())
def test_mutated_valid_files(tree, case):
    kind, text = case
    run(tree, TARGETS[kind], text)


@settings(max_examples=150, **SETTINGS)
@given(kind=st.sampled_from(sorted(TARGETS)), raw=st.binary(max_size=120))
def test_random_bytes(tree, kind, raw):
    run(tree, TARGETS[kind], raw)


def test_the_valid_files_are_valid(tree):
    """The mutations start from files that pass, so a failure is the mutation's doing."""
    for kind, text in VALID.items():
        run(tree, TARGETS[kind], text)


def _slots(node):
    """Every (container, key) of a parsed document, depth first."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield node, key
        yield from _slots(value)


@st.composite
def near_valid(draw):
    """A valid document with one value somewhere replaced by something random."""
    from generator.pipeline.load import Doc, parse_yaml

    kind = draw(st.sampled_from(sorted(VALID)))
    text = VALID[kind]
    doc = Doc("x.yaml", kind, "x")
    parse_yaml(doc, text.split("---\n")[1] if kind == "article" else text)  # as kb reads it
    data = doc.data
    container, key = draw(st.sampled_from(list(_slots(data))))
    value = container[key]
    leaves = sorted({repr(v): v for _, v in ((c, c[k]) for c, k in _slots(data))
                     if not isinstance(v, (dict, list))}.values(), key=repr)
    like = STRUCTURES | st.sampled_from(leaves)  # anything, or a value from elsewhere in the file
    if isinstance(value, bool):
        like |= st.booleans()
    elif isinstance(value, int):
        like |= st.integers(-3, 10**6)
    elif isinstance(value, str):
        like |= st.text(max_size=30) | st.just(value + draw(st.sampled_from(["", "x", "-", " ", "9"])))
    elif isinstance(value, dict) and value:  # one key fewer
        gone = draw(st.sampled_from(sorted(value)))
        like |= st.just({k: v for k, v in value.items() if k != gone})
    elif isinstance(value, list) and value:  # one item fewer or one more
        like |= st.just(value[1:]) | st.just(value + value[:1])
    container[key] = draw(like)
    return kind, data


@settings(max_examples=400, **SETTINGS)
@given(case=near_valid())
def test_the_fast_schema_check_agrees_with_the_full_one(case):
    """kb check asks jsonschema-rs first and jsonschema only for documents it rejects: the two
    must agree, or an invalid document could pass."""
    from generator.pipeline import schema

    kind, data = case
    full = next(iter(schema.validator(kind).iter_errors(data)), None) is None
    try:
        fast = schema.fast_validator(kind).is_valid(data)
    except ValueError:
        return  # not JSON data: the full check decides
    assert fast == full, data

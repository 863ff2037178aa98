"""Decision flows are checked at build time: every next step exists, no dead ends, nothing
unreachable, references that exist; each error names the file, line and field, and a build
with a broken flow writes nothing."""

from __future__ import annotations

import pytest
from test_check_errors import errors_of

HEAD = "---\ntitle: Triage\nflow:\n  start: q\n  steps:\n"


def article(steps: str, start: str = "q") -> dict[str, str]:
    return {"articles/triage.md": HEAD.replace("start: q", f"start: {start}") + steps + "---\nBody.\n"}


CASES = [
    ("a loop of questions with no way out",
     article("    q: {ask: Where?, options: [{label: Here, next: done}, {label: Elsewhere, next: r}]}\n"
             "    r: {ask: Again?, options: [{label: Go on, next: s}]}\n"
             "    s: {ask: Still?, options: [{label: Go on, next: r}]}\n"
             "    done: {outcome: Done.}\n"),
     ["articles/triage.md:7:5: flow.steps.r: step 'r' is a dead end: no outcome can be reached from it",
      "articles/triage.md:8:5: flow.steps.s: step 's' is a dead end: no outcome can be reached from it"]),
    ("a step nothing leads to",
     article("    q: {ask: Where?, options: [{label: Here, next: done}]}\n"
             "    done: {outcome: Done.}\n"
             "    orphan: {outcome: Never shown.}\n"),
     ["articles/triage.md:8:5: flow.steps.orphan: step 'orphan' cannot be reached from start 'q'; "
      "link to it from an option or remove it"]),
    ("a start that is not a step",
     article("    q: {ask: Where?, options: [{label: Here, next: done}]}\n"
             "    done: {outcome: Done.}\n", start="begin"),
     ["articles/triage.md:4:10: flow.start: start names step 'begin', which is not in flow.steps"]),
    ("an outcome that transfers to no department and names no service",
     article("    q: {ask: Where?, options: [{label: Here, next: done}, {label: There, next: other}]}\n"
             "    done: {outcome: Transfer., transfer: parks}\n"
             "    other: {outcome: Request., service: pothole-repiar}\n"),
     ["articles/triage.md:7:42: flow.steps.done.transfer: no department 'parks' (there is no "
      "catalog/departments/parks.yaml)",
      "articles/triage.md:8:41: flow.steps.other.service: no service 'pothole-repiar' (there is no "
      "catalog/services/pothole-repiar.yaml); did you mean 'pothole-repair'?"]),
    ("a step that both asks and ends",
     article("    q: {ask: Where?, options: [{label: Here, next: done}], outcome: Both.}\n"
             "    done: {outcome: Done.}\n"),
     ["articles/triage.md:6:8: flow.steps.q: a step has either 'ask' with 'options', or an 'outcome'"]),
]


@pytest.mark.parametrize("what,files,expected", CASES, ids=[c[0] for c in CASES])
def test_broken_flows_are_reported_exactly(kb, make_tree, what, files, expected):
    assert errors_of(kb, make_tree(files)) == expected


def test_a_broken_flow_stops_the_build_and_keeps_the_previous_site(kb, make_tree):
    root = make_tree()
    assert kb("build", "--root", root, "--audience", "public").exit_code == 0
    before = (root / "site" / "public" / "en" / "index.html").read_bytes()
    root = make_tree(CASES[0][1])
    result = kb("build", "--root", root, "--audience", "public")
    assert result.exit_code == 1
    assert "dead end" in result.stderr
    assert (root / "site" / "public" / "en" / "index.html").read_bytes() == before
    assert not (root / "site" / "public" / "en" / "answers" / "triage").exists()

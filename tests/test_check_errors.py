"""kb check: the exact message, file, line and field for each kind of bad input."""

from __future__ import annotations

import json

import pytest
from conftest import SERVICE


def errors_of(kb, root):
    result = kb("check", "--root", root)
    assert result.exit_code == 1, result.output
    return [line for line in result.stderr.splitlines() if not line.endswith("nothing was written.")]


def test_valid_tree_passes(kb, make_tree):
    result = kb("check", "--root", make_tree())
    assert result.exit_code == 0, result.output


CASES = [
    # (what, files, expected lines)
    ("unknown key with suggestion",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\nsummary: S.\ndescripton: oops\n"},
     ["catalog/services/x.yaml:5:1: descripton: unknown field 'descripton'; did you mean 'description'?"]),
    ("missing required field",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\n"},
     ["catalog/services/x.yaml:1:1: summary: required field 'summary' is missing"]),
    ("unknown department",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-work\ngroup: G\nsummary: S.\n"},
     ["catalog/services/x.yaml:2:13: department: no department 'public-work' (there is no "
      "catalog/departments/public-work.yaml); did you mean 'public-works'?"]),
    ("wrong type",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\nsummary: S.\nemergency: maybe\n"},
     ["catalog/services/x.yaml:5:12: emergency: must be true or false, not the text 'maybe'"]),
    ("bad enum with suggestion",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\nsummary: S.\n"
                                 "request:\n  channels:\n    - {type: phon}\n"},
     ["catalog/services/x.yaml:7:14: request.channels[0].type: must be one of: phone, online, app, "
      "text, email, tty, in_person (not 'phon'); did you mean 'phone'?"]),
    ("tab indentation",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-works\n\tgroup: G\n"},
     ["catalog/services/x.yaml:3:1: (syntax): found a tab character that violates indentation "
      "(while scanning a plain scalar); indent with spaces, not tabs"]),
    ("bad id in file name",
     {"catalog/services/Pot Hole.yaml": "name: X\n"},
     ["catalog/services/Pot Hole.yaml:1:1: (file): the file name 'Pot Hole' is not a valid id: use "
      "lowercase letters, digits and hyphens, like 'pothole-repair' (at most 64 characters), for "
      "example 'pot-hole.yaml'"]),
    ("javascript url",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\nsummary: S.\n"
                                 "request:\n  channels:\n    - {type: online, url: \"javascript:alert(1)\"}\n"},
     ["catalog/services/x.yaml:7:27: request.channels[0].url: must be a web address starting with "
      "https:// or http://, like 'https://example.gov/report'"]),
    ("hours that do not parse",
     {"catalog/departments/parks.yaml": "name: Parks\nkind: city\nhours:\n  mon: [\"9am-5pm\"]\n"},
     ["catalog/departments/parks.yaml:4:8: hours.mon: must be closed, or a list of time ranges "
      "in 24-hour time, like [\"08:00-12:00\", \"13:00-16:30\"]"]),
    ("hours that end before they start",
     {"catalog/departments/parks.yaml": "name: Parks\nkind: city\nhours:\n  mon: [\"17:00-09:00\"]\n"},
     ["catalog/departments/parks.yaml:4:9: hours.mon[0]: '17:00-09:00' ends before it starts; write "
      "the earlier time first (for hours past midnight, split into two days)"]),
    ("broken service link in an article body",
     {"articles/a.md": "---\ntitle: A\n---\nSee [this](service:pot-hole-repair).\n"},
     ["articles/a.md:4:12: body: links to service:pot-hole-repair, which does not exist; did you "
      "mean 'pothole-repair'?"]),
    ("unclosed front matter",
     {"articles/a.md": "---\ntitle: A\n\nBody without a closing line.\n"},
     ["articles/a.md:1:1: (file): front matter is never closed; add a line '---' after its last field"]),
    ("empty file",
     {"catalog/services/x.yaml": "\n\n"},
     ["catalog/services/x.yaml:1:1: (file): is empty; add content or delete the file"]),
    ("not UTF-8",
     {"catalog/services/x.yaml": b"name: Caf\xe9\n"},
     ["catalog/services/x.yaml:1:10: (file): is not UTF-8 (byte 0xe9); save it with UTF-8 encoding"]),
    ("byte-order mark: read as if not there, columns counted without it",
     {"catalog/services/x.yaml": b"\xef\xbb\xbfname: 42\ndepartment: public-works\ngroup: G\nsummary: S.\n"},
     ["catalog/services/x.yaml:1:7: name: must be text (put quotes around it if it starts with a "
      "special character)"]),
    ("duplicate key",
     {"catalog/services/x.yaml": "name: X\nname: Y\ndepartment: public-works\ngroup: G\nsummary: S.\n"},
     ["catalog/services/x.yaml:2:1: name: 'name' is given twice (first on line 1); keep one"]),
    ("yaml alias",
     {"catalog/services/x.yaml": "name: &n X\ndepartment: public-works\ngroup: *n\nsummary: S.\n"},
     ["catalog/services/x.yaml:1:7: (syntax): YAML anchors and aliases (&name, *name) are not "
      "allowed; write the value out in full"]),
    ("unquoted yes/no value",
     {"catalog/services/x.yaml": SERVICE.replace("key: small", "key: no")},
     ["catalog/services/x.yaml:14:88: request.questions[1].values[0].key: must be text, not false "
      "(a yes/no value); put quotes around it (\"no\") to mean the word"]),
    ("open311 code with ..",
     {"catalog/services/x.yaml": "name: X\ndepartment: public-works\ngroup: G\nsummary: S.\n"
                                 "open311: {code: \"../etc\"}\n"},
     ["catalog/services/x.yaml:5:17: open311.code: must be a code without '..', '?', '#', '%', "
      "backslashes, control characters or empty or '.' parts between slashes (clients request "
      "services/<code>.json)"]),
    ("flow with an unknown next step",
     {"articles/a.md": "---\ntitle: A\nflow:\n  start: q\n  steps:\n"
                       "    q: {ask: Where?, options: [{label: Here, next: done}, {label: There, next: nowhere}]}\n"
                       "    done: {outcome: Done.}\n---\nBody.\n"},
     ["articles/a.md:6:80: flow.steps.q.options[1].next: next names step 'nowhere', which is not in "
      "flow.steps"]),
    ("missing extra.kb",
     {"mkdocs.yml": "site_name: X\nsite_url: https://x.example/\n"},
     ["mkdocs.yml:1:1: extra.kb: is missing: add 'extra: {kb: {city, timezone, phones, languages}}' "
      "(see 'kb init' for an example)"]),
]


@pytest.mark.parametrize("what,files,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_exactly(kb, make_tree, what, files, expected):
    root = make_tree(files)
    assert errors_of(kb, root) == expected


def test_all_errors_are_reported_sorted(kb, make_tree):
    root = make_tree({
        "catalog/services/b.yaml": "name: B\ndepartment: nope\ngroup: G\nsummary: S.\n",
        "catalog/services/a.yaml": "name: A\ndepartment: public-works\ngroup: G\n",
    })
    lines = errors_of(kb, root)
    assert [line.split(":")[0] for line in lines] == ["catalog/services/a.yaml", "catalog/services/b.yaml"]


def test_json_format(kb, make_tree):
    root = make_tree({"catalog/services/a.yaml": "name: A\ndepartment: public-works\ngroup: G\n"})
    result = kb("check", "--root", root, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "path": "catalog/services/a.yaml", "line": 1, "col": 1, "field": "summary",
        "message": "required field 'summary' is missing", "severity": "error"}]


def test_github_format(kb, make_tree):
    root = make_tree({"catalog/services/a.yaml": "name: A\ndepartment: public-works\ngroup: G\n"})
    result = kb("check", "--root", root, "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.strip() == ("::error file=catalog/services/a.yaml,line=1,col=1,title=kb check::"
                                     "summary: required field 'summary' is missing")

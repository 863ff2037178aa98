"""kb search --eval: recall@1, recall@5, MRR and the misses of a question file, through the same
index and search as kb search, on a tiny content tree."""

from __future__ import annotations

import json

QUESTIONS = """\
lang: en
queries:
  - {q: pothole, expect: pothole-repair}
  - {q: crew, expect: "article:potholes"}
  - {q: streetlight out, expect: [streetlight-outage, nothing-else]}
  - {q: library, expect: pothole-repair}
  - {q: public works, expect: "department:public-works", audience: agent}
"""


def test_eval_prints_the_numbers_and_the_misses(make_tree, kb):
    root = make_tree({"questions.yaml": QUESTIONS})
    result = kb("search", "--eval", root / "questions.yaml", "--root", root, "--audience", "public")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "4 questions, language en, audience: public" in out
    assert "(1 agent-only questions left out" in out
    assert "recall@1  0.500  (2 of 4 first)" in out
    assert "recall@5  0.750  (3 of 4 in the top five)" in out
    assert "MRR       0.625" in out
    assert "'crew': rank 2; want article:potholes; first: Pothole repair (service pothole-repair)" in out
    assert "'library': not in the first 10; want pothole-repair; first: no result" in out
    assert "'pothole'" not in out.split("Not first")[1]


def test_eval_on_the_agent_index_and_as_json(make_tree, kb):
    root = make_tree({"questions.yaml": QUESTIONS})
    for audience in (["--audience", "agent"], []):  # no --audience: each question's own
        result = kb("search", "--eval", root / "questions.yaml", "--root", root, "--format", "json",
                    *audience)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert (data["questions"], data["recall@1"], data["recall@5"], data["mrr"]) == (5, 0.6, 0.8, 0.7)
        assert data["skipped"] == 0 and data["lang"] == "en"
        assert [m["q"] for m in data["misses"]] == ["crew", "library"]
        assert data["misses"][0]["rank"] == 2 and data["misses"][1]["first"] is None


def test_a_wrong_question_file_says_where(make_tree, kb):
    root = make_tree({"questions.yaml": "queries:\n  - {q: pothole, expect: pothole-repair}\n"
                                        "  - {q: trash, expect: [ok, 3]}\n",
                      "kinds.yaml": "queries:\n  - {q: a, expect: 'page:x'}\n"})
    result = kb("search", "--eval", root / "questions.yaml", "--root", root)
    assert result.exit_code == 1
    assert f"{root / 'questions.yaml'}:3:24: queries[1].expect: must be an id or a list of ids" \
        in result.output
    result = kb("search", "--eval", root / "kinds.yaml", "--root", root)
    assert result.exit_code == 1 and "queries[0].expect[0]: 'page:' is not a kind" in result.output
    result = kb("search", "--root", root)
    assert result.exit_code == 2 and "give a QUERY to search for, or --eval FILE" in result.output

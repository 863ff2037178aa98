"""The pre-commit hook: `kb check` on the files being committed blocks a broken commit.

Runs the real pre-commit tool in a temporary git repository. The hook definition is read from
.pre-commit-hooks.yaml and used as a `repo: local` hook with `language: system` (a `kb` on PATH),
so that the test needs no network: everything else (id, entry, files, pass_filenames) is the
published definition itself.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
import yaml
from conftest import BASE_TREE, REPO, SERVICE2
from gitrepo import Repo

pytest.importorskip("pre_commit", reason="pip install pre-commit (in the test extras)")


def hook(hook_id: str) -> dict:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    found = next(h for h in hooks if h["id"] == hook_id)
    return {**found, "language": "system"}


@pytest.fixture
def repo(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    kb = bin_dir / "kb"
    kb.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m generator \"$@\"\n")
    kb.chmod(kb.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "NO_MKDOCS_2_WARNING": "1"}
    config = {"repos": [{"repo": "local", "hooks": [hook("kb-check")]}]}
    r = Repo(tmp_path / "city")
    r.commit({**BASE_TREE, ".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False),
              "README.md": "Riverton content.\n"}, "Start", "2026-09-01T10:00:00Z")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=r.root,
                               capture_output=True, text=True, env={**os.environ, **env})
    assert installed.returncode == 0, installed.stdout + installed.stderr
    r.env = env
    return r


def commit(r: Repo, files: dict, message: str) -> subprocess.CompletedProcess:
    from conftest import write_tree

    write_tree(r.root, files)
    r.git("add", "-A")
    return r.git("commit", "-m", message, check=False, env=r.env)


def test_hook_definition_runs_kb_check_on_content_files():
    h = hook("kb-check")
    assert h["entry"] == "kb check" and h["pass_filenames"] is True
    import re
    files = re.compile(h["files"])
    for path in ("catalog/services/a.yaml", "articles/a.md", "translations/es.po", "mkdocs.yml"):
        assert files.search(path), path
    for path in ("README.md", "site/public/index.html", "theme/kb/kb.css", "docs/mkdocs.yml"):
        assert not files.search(path), path


def test_a_broken_commit_is_blocked(repo):
    head = repo.git("rev-parse", "HEAD").stdout
    result = commit(repo, {"catalog/services/streetlight-outage.yaml":
                           SERVICE2.replace("department: public-works", "department: public-wrks")},
                    "Move streetlights")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "kb check" in output and "Failed" in output
    assert ("catalog/services/streetlight-outage.yaml:2:13: department: no department "
            "'public-wrks' (there is no catalog/departments/public-wrks.yaml); did you mean "
            "'public-works'?") in output
    assert repo.git("rev-parse", "HEAD").stdout == head  # nothing was committed


def test_a_good_commit_passes_and_other_files_skip_the_check(repo):
    good = commit(repo, {"catalog/services/streetlight-outage.yaml":
                         SERVICE2.replace("out or flickering", "out, flickering or on by day")},
                  "Streetlights: daytime")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout + good.stderr
    other = commit(repo, {"README.md": "Riverton 311 content.\n"}, "Readme")
    assert other.returncode == 0
    assert "Skipped" in other.stdout + other.stderr  # no content file: kb check does not run
    assert repo.git("log", "--format=%s").stdout.split("\n")[:2] == ["Readme", "Streetlights: daytime"]


def test_only_problems_in_the_committed_files_are_reported(repo):
    # A problem already in the tree (committed past the hook) does not block an unrelated edit...
    from conftest import write_tree

    write_tree(repo.root, {"catalog/services/streetlight-outage.yaml": SERVICE2 + "colour: red\n"})
    repo.git("commit", "-q", "--no-verify", "-am", "Streetlights: colour")
    edit = commit(repo, {"articles/potholes.md": BASE_TREE["articles/potholes.md"].replace(
        "three business days", "three working days")}, "Potholes: wording")
    assert edit.returncode == 0, edit.stdout + edit.stderr
    # ...and a problem in a committed file does.
    result = commit(repo, {"articles/potholes.md": BASE_TREE["articles/potholes.md"].replace(
        "services: [pothole-repair]", "services: [pothole]")}, "Potholes: service")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "articles/potholes.md:3:12: services[0]: no service 'pothole'" in output
    assert "streetlight-outage.yaml" not in output

"""Atomic output: a real `kb build` killed with SIGKILL at several moments leaves every audience
folder whole (the previous site, or the new one once it was swapped in); two builds at once on one
output folder: one waits for nothing and fails with a clear message, the output stays whole."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BASE_TREE, SERVICE, write_tree


def manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def start_build(root: Path, out: Path, *options: str) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "NO_MKDOCS_2_WARNING": "1", "CI": "1"}
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(root),
                             "--out", str(out), "--jobs", "1", *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the build and anything it started
    proc.wait()


def wait_for(cond, proc, timeout=60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if cond():
            return True
        time.sleep(0.005)
    return False


VERSIONS = {"A": SERVICE, "B": SERVICE.replace("Pothole repair", "Pothole filling")}


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Both versions of a tree built once; `state` says which one the output holds now."""
    base = tmp_path_factory.mktemp("atomic")
    root = write_tree(base / "city", BASE_TREE)
    out = base / "site"
    assert start_build(root, out).wait() == 0
    versions = {"A": {aud: manifest(out / aud) for aud in ("public", "agent")}}
    write_tree(root, {"catalog/services/pothole-repair.yaml": VERSIONS["B"]})
    ref = base / "reference"
    t0 = time.monotonic()
    assert start_build(root, ref).wait() == 0
    duration = time.monotonic() - t0
    versions["B"] = {aud: manifest(ref / aud) for aud in ("public", "agent")}
    assert versions["A"]["public"] != versions["B"]["public"]
    write_tree(root, {"catalog/services/pothole-repair.yaml": VERSIONS["A"]})
    return {"root": root, "out": out, "versions": versions, "duration": duration, "now": "A"}


def staged(out: Path) -> bool:
    return any(p.name.startswith(".kb-staging-") for p in out.iterdir())


def staging_has_pages(out: Path) -> bool:
    return any(p.name.startswith(".kb-staging-") and any(p.rglob("index.html")) for p in out.iterdir())


def public_swapped(out: Path, inode: int) -> bool:
    try:
        return (out / "public").stat().st_ino != inode
    except FileNotFoundError:
        return False


MOMENTS = ["at 10%", "at 45%", "at 80%", "once staging exists", "while mkdocs writes pages",
           "right after public is swapped in"]


@pytest.mark.parametrize("moment", MOMENTS)
def test_sigkill_leaves_each_audience_folder_whole(sites, moment):
    root, out, duration = sites["root"], sites["out"], sites["duration"]
    before, after = sites["now"], "B" if sites["now"] == "A" else "A"
    old, new = sites["versions"][before], sites["versions"][after]
    write_tree(root, {"catalog/services/pothole-repair.yaml": VERSIONS[after]})
    inode = (out / "public").stat().st_ino
    proc = start_build(root, out)
    if moment.startswith("at "):
        time.sleep(duration * int(moment[3:-1]) / 100)
    elif moment == "once staging exists":
        assert wait_for(lambda: staged(out), proc)
    elif moment == "while mkdocs writes pages":
        assert wait_for(lambda: staging_has_pages(out), proc)
    else:
        assert wait_for(lambda: public_swapped(out, inode), proc)
    if proc.poll() is not None and not moment.startswith("at "):
        pytest.fail(f"the build finished before the kill {moment}; it took {duration:.1f}s before")
    if proc.poll() is None:  # a timed kill on a fast run may come after the end: still checked
        kill(proc)
    for aud in ("public", "agent"):
        now = manifest(out / aud)
        assert now in (old[aud], new[aud]), f"{aud} is neither the old nor the new site ({moment})"
    if moment == "right after public is swapped in":
        assert manifest(out / "public") == new["public"]
    # The next build takes the lock the killed one held, clears its leftovers and succeeds.
    assert start_build(root, out).wait() == 0
    assert not staged(out)
    assert {aud: manifest(out / aud) for aud in ("public", "agent")} == new
    sites["now"] = after


def test_two_builds_at_once_one_fails_clearly(sites):
    root, out = sites["root"], sites["out"]
    write_tree(root, {"catalog/services/pothole-repair.yaml": VERSIONS[sites["now"]]})
    new = sites["versions"][sites["now"]]
    first = start_build(root, out, "--no-cache")  # nothing changed: a slow build on purpose
    assert wait_for(lambda: staged(out), first)
    second = start_build(root, out)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    message = err.decode()
    assert "another build is writing here" in message and "wait for it to finish" in message
    assert f"process {first.pid}" in message
    assert "Traceback" not in message
    assert first.wait() == 0
    assert {aud: manifest(out / aud) for aud in ("public", "agent")} == new


def test_an_output_folder_that_cannot_be_written_is_a_clear_error(kb, make_tree, tmp_path):
    root = make_tree()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = kb("build", "--root", root, "--out", blocker / "site", "--audience", "public")
    assert result.exit_code == 1
    assert "cannot write the site here (Not a directory); choose another folder with --out" in result.output
    assert "Traceback" not in result.output

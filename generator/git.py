"""The content's git repository: kb reads its history (what changed, and when), never writes it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

_GIT_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR",
             "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE")


def git(root: Path, *args: str, input: bytes | None = None) -> bytes | None:
    """Output of `git -C root ARGS`, or None when git is missing or the command fails."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_VARS}
    env["LC_ALL"] = "C"
    try:
        proc = subprocess.run(["git", "-C", str(root), "-c", "core.quotePath=false", *args],
                              input=input, capture_output=True, env=env, check=False)
    except OSError:
        return None
    return proc.stdout if proc.returncode == 0 else None


def git_prefix(root: Path) -> str | None:
    """The content root's path inside its git repository ('' at the top), None outside git."""
    out = git(root, "rev-parse", "--show-prefix")
    return None if out is None else out.decode().strip()


def cat_files(root: Path, specs: list[str]) -> dict[str, bytes | None]:
    """The blobs named `REV:PATH` (repository paths), read in one `git cat-file --batch`."""
    if not specs:
        return {}
    out = git(root, "cat-file", "--batch", input="".join(s + "\n" for s in specs).encode())
    result: dict[str, bytes | None] = {s: None for s in specs}
    if out is None:
        return result
    pos = 0
    for spec in specs:
        nl = out.index(b"\n", pos)
        head = out[pos:nl].split()
        pos = nl + 1
        if len(head) == 3 and head[1] == b"blob":
            size = int(head[2])
            result[spec] = out[pos:pos + size]
            pos += size + 1
        elif len(head) == 3:  # not a blob (a tree): skip its content
            pos += int(head[2]) + 1
    return result

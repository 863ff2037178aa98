"""A temporary git repository for tests: commits with fixed dates, in a clean git environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import write_tree


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without inherited GIT_* variables, with no user or system git config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C")
    env.update(extra)
    return env


class Repo:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Content Editor")
        self.git("config", "user.email", "editor@example.gov")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, date: str | None = None, check: bool = True,
            env: dict | None = None) -> subprocess.CompletedProcess:
        extra = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                              check=check, env=clean_env(**extra, **(env or {})))

    def commit(self, files: dict[str, str | bytes | None], message: str, date: str) -> str:
        """Write (None: delete) files, stage everything, commit at `date`; returns the commit."""
        write_tree(self.root, files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").stdout.strip()

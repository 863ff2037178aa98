"""The site engines that lay out kb's generated projects: mkdocs (the default, with Material for
MkDocs), ProperDocs (a drop-in fork of mkdocs 1.x) and Zensical (Material's successor, which
reads mkdocs.yml). kb writes one plain project per language and audience (render.py) and asks
the chosen engine to build it; what makes a page safe and right is done by kb afterwards
(pipeline/safety.py), so every engine's pages are equally safe. docs/engines.md compares them.

mkdocs runs in this process (the build's own process for each language); ProperDocs and
Zensical run as commands of their own: ProperDocs redirects every ``mkdocs`` import of the
process it runs in, and Zensical is a program with a Python front.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from generator.engine.mkdocs import DIRTY_WARNING, mkdocs_build
from generator.errors import KbError

ENGINES = ("mkdocs", "properdocs", "zensical")
DEFAULT = "mkdocs"
# Engines that can render some pages of a project and leave the others (a "dirty" build): the
# build cache reuses unchanged pages and splits a large language between cores only with these.
DIRTY = {"mkdocs", "properdocs"}


class EngineMissing(KbError):
    """The chosen engine is not installed."""


def check_installed(engine: str) -> None:
    """Raise EngineMissing, with how to install it, when `engine` cannot run here."""
    if engine == "mkdocs":
        return
    if _command(engine) is None:
        raise EngineMissing(f"--engine {engine}: {engine} is not installed; install it with "
                            f"pip install 'kb311[{engine}]'")


def build(engine: str, config_file: str, dirty: bool = False) -> list[str]:
    """Build one generated project with `engine`; returns the engine's warnings. `dirty`: render
    only the pages whose source is newer than their HTML (engines in DIRTY only)."""
    if engine == "mkdocs":
        return mkdocs_build(config_file, dirty)
    if engine == "properdocs":
        return _run([_command("properdocs"), "build", "-f", config_file]
                    + (["--dirty"] if dirty else []))
    if engine == "zensical":
        return _zensical(config_file)
    raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")


def _command(name: str) -> str | None:
    beside = Path(sys.executable).with_name(name)  # the same environment as kb
    return str(beside) if beside.exists() else shutil.which(name)


def _run(args: list[str], cwd: str | None = None) -> list[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    lines = (proc.stdout + proc.stderr).splitlines()
    warnings = [line.split("-", 1)[-1].strip() for line in lines
                if line.startswith(("WARNING", "ERROR")) and DIRTY_WARNING not in line]
    if proc.returncode != 0:
        return warnings + [f"{Path(args[0]).name} failed (exit code {proc.returncode}): "
                           + " | ".join(lines[-5:])]
    return warnings


def _zensical(config_file: str) -> list[str]:
    """Zensical builds only into a folder inside its project: kb's own project is built into
    one, then moved to where kb wants the site."""
    project = Path(config_file).parent
    config = yaml.safe_load(Path(config_file).read_text("utf-8"))
    target = Path(config["site_dir"])
    inside = project / "zensical-site"
    config["site_dir"] = inside.name
    own = project / "zensical.yml"
    own.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    shutil.rmtree(inside, ignore_errors=True)
    warnings = _run([_command("zensical"), "build", "--clean", "-f", str(own)], cwd=str(project))
    if inside.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(inside, target)
    return warnings

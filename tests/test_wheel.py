"""From kb's wheel to a new city's published-ready repository, as a city would go.

The wheel is built from this checkout and installed in a fresh virtual environment (its
dependencies from the package index pip is set up for); nothing of the checkout is importable
there. That kb starts a city (`kb init`, with its Open311 list), builds it, and the result is
committed to git. Then, on a fresh clone of that repository, the commands of its README run as
written, with no kb on PATH: the set-up (a .venv from requirements.txt, found the way a city's
own wheel folder is, through pip's find-links), the two commands (check, preview), adding a
service and an answer; and its pre-commit check stops a commit with a broken service.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from gitrepo import Repo, clean_env

from generator import __version__

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "open311"
NOT_PACKAGED = {".venv", "site", ".git", "build", "bench", "tests", "catalog", "articles",
                "translations", "theme"}  # at the top of the checkout


def run(args, cwd=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def system_env(**extra: str) -> dict[str, str]:
    """No virtual environment and no kb on PATH, git without user settings."""
    env = clean_env(PATH="/usr/local/bin:/usr/bin:/bin", NO_MKDOCS_2_WARNING="1",
                    PIP_NO_COMPILE="1", **extra)  # no .pyc files at install: quicker
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")

    def ignore(folder, names):
        top = NOT_PACKAGED if Path(folder) == REPO else set()
        return [n for n in names if n in top or n == "__pycache__" or n.endswith(".egg-info")]

    shutil.copytree(REPO, base / "src", ignore=ignore)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", base / "dist",
         base / "src"])
    [built] = (base / "dist").glob("kb311-*.whl")
    return built


@pytest.fixture(scope="module")
def kb_bin(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with kb installed from the wheel: its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "kb"
    run(["python3", "-m", "venv", venv], env=system_env())
    run([venv / "bin/pip", "install", "--quiet", wheel], env=system_env())
    return venv / "bin"


@pytest.fixture(scope="module")
def city(kb_bin, tmp_path_factory) -> Repo:
    """Springfield, started by the wheel's kb from an Open311 list, built, and committed."""
    base = tmp_path_factory.mktemp("city")
    env = system_env()
    run([kb_bin / "kb", "init", "springfield", "--city", "Springfield", "--lang", "en",
         "--lang", "es", "--from-open311", DATA / "giessen-services.xml"], cwd=base, env=env)
    root = base / "springfield"
    run([kb_bin / "kb", "build"], cwd=root, env=env)
    repo = Repo(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Start the 311 content")
    return repo


def test_the_wheel_holds_kbs_docs_and_runs_its_own_code(wheel, kb_bin):
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("generator/docs/workflows/gitlab/.gitlab-ci.yml", "generator/docs/editors.md",
                 "generator/scaffold/city/README.md", "generator/scaffold/city/gitignore"):
        assert name in names
    assert wheel.name == f"kb311-{__version__}-py3-none-any.whl"
    assert run([kb_bin / "kb", "--version"], env=system_env()).stdout == f"kb, version {__version__}\n"
    where = run([kb_bin / "python", "-c", "import generator; print(generator.__file__)"],
                cwd=kb_bin, env=system_env()).stdout.strip()
    assert where.startswith(str(kb_bin.parent)), where  # not the checkout's


def test_a_new_city_builds_and_its_first_commit_holds_no_build_output(city):
    root = city.root
    home = (root / "site/public/en/index.html").read_text("utf-8")
    assert "Springfield 311" in home
    assert (root / "site/public/es/index.html").is_file()
    assert (root / "site/agent/en/index.html").is_file()
    services = (root / "site/public/open311/v2/services.json").read_text("utf-8")
    assert services.count('"service_code"') == 8  # the Open311 list, imported by kb init
    committed = city.git("ls-tree", "-r", "--name-only", "HEAD").stdout.split()
    assert not [p for p in committed if p.startswith("site/")]
    for path in ("README.md", "requirements.txt", ".pre-commit-config.yaml", ".gitignore",
                 ".github/workflows/kb-check.yml", ".github/workflows/kb-publish.yml",
                 "guides/editors.md", "mkdocs.yml", "catalog/services/laterne-defekt.yaml",
                 "articles/.gitkeep"):
        assert path in committed, path
    assert city.git("status", "--porcelain").stdout == ""  # nothing left out but the build


# --- The README of the new repository, on a fresh clone ------------------------------------------

def readme_blocks(root: Path) -> dict[str, list[str]]:
    """The README's shell blocks by section heading: their command lines, comments removed."""
    blocks: dict[str, list[str]] = {}
    for heading, body in re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", (root / "README.md")
                                    .read_text("utf-8"), re.M | re.S):
        for block in re.findall(r"^ *```sh\n(.*?)^ *```", body, re.M | re.S):
            lines = [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.splitlines()]
            blocks.setdefault(heading, []).extend(line for line in lines if line)
    return blocks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def clone(city, wheel, tmp_path_factory):
    """A fresh clone of the city, set up as its README says (kb comes from the wheel's folder,
    as it would from a city's own wheel folder or index)."""
    root = tmp_path_factory.mktemp("editor") / "springfield"
    run(["git", "clone", "-q", city.root, root], env=system_env())
    repo = Repo(root)
    links = f"{wheel.parent} {os.environ.get('PIP_FIND_LINKS', '')}".strip()
    repo.env = system_env(PIP_FIND_LINKS=links,
                          PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit")))
    setup = readme_blocks(root)["Set up once"]
    assert setup == ["python3 -m venv .venv",
                     ".venv/bin/pip install -r requirements.txt pre-commit",
                     ".venv/bin/pre-commit install"]
    for line in setup:
        run(["bash", "-c", line], cwd=root, env=repo.env)
    return repo


def test_the_readmes_commands_work_on_a_fresh_clone(clone):
    root, env = clone.root, clone.env
    blocks = readme_blocks(root)
    assert blocks["Your two commands"] == [".venv/bin/kb check", ".venv/bin/kb serve"]
    check = run(["bash", "-c", blocks["Your two commands"][0]], cwd=root, env=env)
    assert re.search(r"^\S+:\d+:\d+: ", check.stdout + check.stderr, re.M) is None

    port = free_port()
    log = root.parent / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(["bash", "-c", f"{blocks['Your two commands'][1]} --port {port}"],
                                  cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                    page = resp.read().decode()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        assert "Springfield 311" in page and '<html lang="en"' in page
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl+C, as the README says
        try:
            assert server.wait(timeout=15) == 0
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)

    for section, made in (("Add a service", "catalog/services/bulky-item-pickup.yaml"),
                          ("Add an answer", "articles/holiday-collection.md")):
        [command] = blocks[section]
        run(["bash", "-c", command], cwd=root, env=env)
        assert (root / made).is_file(), made
        assert f"`{made}`" in (root / "README.md").read_text("utf-8")  # the file it says to edit
    run(["bash", "-c", blocks["Your two commands"][0]], cwd=root, env=env)
    # git sees the editor's two new files and nothing of .venv/, site/ or the caches.
    assert clone.git("status", "--porcelain", "--untracked-files=all").stdout.splitlines() == [
        "?? articles/holiday-collection.md", "?? catalog/services/bulky-item-pickup.yaml"]


def test_the_pre_commit_check_stops_a_broken_service(clone):
    root, env = clone.root, clone.env
    head = clone.git("rev-parse", "HEAD").stdout
    (root / "catalog/services/stray-cart.yaml").write_text(
        "name: Stray shopping cart\ndepartment: contact-center\ngroup: Streets\n"
        "summary: Report a shopping cart left on a street.\n", "utf-8")
    clone.git("add", "catalog/services/stray-cart.yaml")
    blocked = clone.git("commit", "-m", "Stray carts", check=False, env=env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "kb check" in output and "Failed" in output
    assert ("catalog/services/stray-cart.yaml:2:13: department: no department 'contact-center' "
            "(there is no catalog/departments/contact-center.yaml); did you mean "
            "'contact-centre'?") in output
    assert clone.git("rev-parse", "HEAD").stdout == head

    fixed = (root / "catalog/services/stray-cart.yaml").read_text("utf-8").replace(
        "contact-center", "contact-centre")
    (root / "catalog/services/stray-cart.yaml").write_text(fixed, "utf-8")
    clone.git("add", "catalog/services/stray-cart.yaml")
    passed = clone.git("commit", "-m", "Stray carts", check=False, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout + passed.stderr
    assert clone.git("log", "-1", "--format=%s").stdout.strip() == "Stray carts"

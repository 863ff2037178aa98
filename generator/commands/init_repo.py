"""`kb init DIR`: a city's own content repository, ready for git, its editors and its forge.

It writes the site settings and a first department (generator/scaffold/city/), a README for the
editors, the guides, `.gitignore`, a pre-commit check, `requirements.txt` pinning the kb version
that wrote it, and the CI workflow files of the chosen forge. The guides and the workflow files
are kb's own docs/ (docs/editors.md, docs/workflows/github/kb-check.yml...), byte for byte: in a
checkout they are read from docs/, and a wheel carries docs/ inside the package (setup.py), so
there is one source. `--from-open311` imports a GeoReport v2 service list in the same step.

Everything is written into a staging folder first and moved into place only once all of it
(the import included) has worked: an error leaves DIR as it was. A folder that holds anything
(a `.git` folder aside) is refused unless `--force`, which replaces the files kb init writes
and keeps every other file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from generator import __version__
from generator.commands import import_open311
from generator.commands.scaffold import DEFAULT_SITE_URL, schema_url
from generator.errors import KbError
from generator.pipeline.model import babel_locale

CI = {
    "github": {".github/workflows/kb-check.yml": "workflows/github/kb-check.yml",
               ".github/workflows/kb-publish.yml": "workflows/github/kb-publish.yml"},
    "gitlab": {".gitlab-ci.yml": "workflows/gitlab/.gitlab-ci.yml"},
    "none": {},
}
GUIDES = {"guides/editors.md": "editors.md", "guides/translators.md": "translators.md",
          "guides/plain-language.md": "plain-language.md", "guides/security.md": "security.md"}
# Folders git would not keep while empty: a fresh clone has them too (kb serve watches them).
FOLDERS = ("catalog/departments", "catalog/services", "catalog/alerts", "articles",
           "translations", "theme")
LANG_NAMES = {"en": "English", "es": "Español", "fr": "Français", "so": "Soomaali", "hmn": "Hmoob",
              "ar": "العربية"}


def kb_docs() -> Path:
    """kb's docs/ folder: inside the installed package (a wheel), else beside it (a checkout)."""
    package = Path(str(resources.files("generator")))
    packaged = package / "docs"
    return packaged if packaged.is_dir() else package.parent / "docs"


def _template(name: str) -> str:
    return (resources.files("generator") / "scaffold" / "city" / name).read_text("utf-8")


def files(city: str, langs: list[str], ci: str) -> dict[str, str]:
    """Every file kb init writes: {path in the repository: text}."""
    from jinja2 import Environment, StrictUndefined


    for code in langs:
        if not code.replace("-", "").isalnum():
            raise KbError(f"--lang {code}: not a language code; use codes like 'en' or 'es'")
    languages = "\n".join(
        f"      - {{code: {code}, name: \"{LANG_NAMES.get(code, code)}\""
        f"{'' if babel_locale(code) else ', formats: neutral'}}}" for code in langs)
    readme = Environment(undefined=StrictUndefined, keep_trailing_newline=True).from_string(
        _template("README.md")).render(city=city, ci=ci)
    out = {
        "mkdocs.yml": _template("mkdocs.yml").replace("{{city}}", city.replace('"', "'"))
                                             .replace("{{languages}}", languages),
        "catalog/departments/contact-centre.yaml": _template("contact-centre.yaml")
            .replace("{{city}}", city).replace("{{schema}}", schema_url(Path(), "department", DEFAULT_SITE_URL)),
        "catalog/calendar.yaml": _template("calendar.yaml"),
        "theme/README.md": _template("theme-README.md"),
        "README.md": readme,
        ".gitignore": _template("gitignore"),
        ".pre-commit-config.yaml": _template("pre-commit-config.yaml"),
        "requirements.txt": _template("requirements.txt").replace("{{version}}", __version__),
    }
    docs = kb_docs()
    for target, source in {**GUIDES, **CI[ci]}.items():
        out[target] = (docs / source).read_text("utf-8")
    return out


def init(directory: Path, city: str, langs: list[str], ci: str = "github",
         open311: Path | None = None, force: bool = False) -> tuple[list[str], list[str]]:
    """Write the repository; returns (the paths written, the lines of the import's report)."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise KbError(f"{directory} is a file; give kb init a folder to create")
    present = sorted(p.name for p in directory.iterdir() if p.name != ".git") \
        if directory.is_dir() else []
    planned = files(city, langs, ci)
    if present and not force:
        replaced = [rel for rel in planned if (directory / rel).exists()]
        shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        raise KbError(
            f"{directory} is not empty ({shown}); kb init starts new repositories and wrote "
            f"nothing. Choose a new or empty folder, or add --force to write into this one"
            + (f": it replaces the {len(replaced)} files of the same names kb init writes"
               + (" (mkdocs.yml among them)" if "mkdocs.yml" in replaced else "")
               + " and keeps every other file" if replaced else ""))
    parent = directory.resolve().parent
    made = next((p for p in reversed([parent, *parent.parents]) if not p.exists()), None)
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".kb-init-", dir=parent))
    done = False
    try:
        for rel, text in planned.items():
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage / rel).write_text(text, "utf-8")
        report: list[str] = []
        if open311 is not None:
            _, imported, _ = import_open311.run(open311, stage, None, force=False)
            report = imported.lines
        for folder in FOLDERS:
            path = stage / folder
            path.mkdir(parents=True, exist_ok=True)
            kept = directory / folder
            if not any(path.iterdir()) and not (kept.is_dir() and any(kept.iterdir())):
                (path / ".gitkeep").write_text("", "utf-8")
        written = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
        directory.mkdir(exist_ok=True)
        for rel in written:  # everything worked: move it into place
            (directory / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, directory / rel)
        done = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if not done and made is not None:  # the folders made for the stage, on an error
            shutil.rmtree(made, ignore_errors=True)
    return written, report

"""Scaffolding: a new site (`kb init`) and new content files (`kb new`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import KbError
from .load import ID_HINT, ID_RE

FILES = {"service": ("catalog/services", ".yaml"), "article": ("articles", ".md")}


def _template(name: str) -> str:
    return (resources.files("generator") / "scaffold" / name).read_text("utf-8")


SCHEMA_PATH = "api/v1/schema/"
DEFAULT_SITE_URL = "https://311.example.gov/"


def schema_url(root: Path, kind: str, site_url: str | None = None) -> str:
    """Where the site publishes the content schema of `kind` (for the yaml-language-server
    comment at the top of scaffolded files): <site_url>api/v1/schema/<kind>.schema.json."""
    if site_url is None:
        import yaml

        from .errors import Problems
        from .load import read_text
        try:
            text = read_text(Path(root) / "mkdocs.yml", "mkdocs.yml", Problems()) or ""
            site_url = str(yaml.safe_load(text)["site_url"])
        except Exception:  # no site settings yet: kb check reports that on its own
            site_url = DEFAULT_SITE_URL
    return f"{site_url.rstrip('/')}/{SCHEMA_PATH}{kind}.schema.json"


def new(root: Path, kind: str, id_: str) -> Path:
    if not ID_RE.match(id_) or len(id_) > 64:
        raise KbError(f"'{id_}' is not a valid id: {ID_HINT}")
    folder, ext = FILES[kind]
    path = Path(root) / folder / f"{id_}{ext}"
    if path.exists():
        raise KbError(f"{path} already exists; edit it, or choose another id")
    path.parent.mkdir(parents=True, exist_ok=True)
    name = id_.replace("-", " ").capitalize()
    text = (_template(f"new-{kind}{ext}").replace("{{name}}", name).replace("{{id}}", id_)
            .replace("{{today}}", _today(Path(root)).isoformat())
            .replace("{{schema}}", schema_url(root, kind)))
    path.write_text(text, "utf-8")
    return path


def _today(root: Path):
    """Today in the site's time zone (SOURCE_DATE_EPOCH's date when set): the new review date."""
    from .errors import Problems
    from .load import load_config
    from .review import today

    config = load_config(root, Problems())  # a broken mkdocs.yml is kb check's business
    tz = config.get(("extra", "kb", "timezone")) if config is not None and config.data else None
    return today(tz if isinstance(tz, str) else None)


LANG_NAMES = {"en": "English", "es": "Español", "fr": "Français", "so": "Soomaali", "hmn": "Hmoob",
              "ar": "العربية"}


def init(directory: Path, city: str, langs: list[str]) -> None:
    directory = Path(directory)
    if (directory / "mkdocs.yml").exists():
        raise KbError(f"{directory / 'mkdocs.yml'} already exists; 'kb init' only starts new sites")
    for code in langs:
        if not code.replace("-", "").isalnum():
            raise KbError(f"--lang {code}: not a language code; use codes like 'en' or 'es'")
    for sub in ("catalog/departments", "catalog/services", "catalog/alerts", "articles",
                "translations", "theme"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    from .model import _babel_locale
    languages = "\n".join(
        f"      - {{code: {code}, name: \"{LANG_NAMES.get(code, code)}\""
        f"{'' if _babel_locale(code) else ', formats: neutral'}}}" for code in langs)
    config = (_template("city/mkdocs.yml").replace("{{city}}", city.replace('"', "'"))
              .replace("{{languages}}", languages))
    (directory / "mkdocs.yml").write_text(config, "utf-8")
    (directory / "catalog/departments/contact-centre.yaml").write_text(
        _template("city/contact-centre.yaml").replace("{{city}}", city)
        .replace("{{schema}}", schema_url(directory, "department")), "utf-8")
    (directory / "catalog/calendar.yaml").write_text(_template("city/calendar.yaml"), "utf-8")
    (directory / ".gitignore").write_text("site/\n", "utf-8")
    (directory / "theme" / "README.md").write_text(
        "Files here override the base theme (Material for MkDocs custom_dir). For example\n"
        "`theme/kb/kb.css` replaces the base stylesheet, `theme/assets/logo.svg` adds a logo.\n",
        "utf-8")

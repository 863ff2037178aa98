"""Scaffolding: new content files (`kb new`). A new site (`kb init`) is init_repo.py."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from generator.clock import today
from generator.errors import KbError, Problems
from generator.pipeline.load import ID_HINT, ID_RE, load_config, read_text

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

    config = load_config(root, Problems())  # a broken mkdocs.yml is kb check's business
    tz = config.get(("extra", "kb", "timezone")) if config is not None and config.data else None
    return today(tz if isinstance(tz, str) else None)

"""kb feedback serve | prune | report: the collector of feedback and search signals, its
retention, and the report per owning department (docs/feedback.md)."""

from __future__ import annotations

import json
import signal
import threading
from datetime import datetime
from pathlib import Path

import click

from generator.commands.options import ROOT
from generator.errors import KbError
from generator.feedback import report as feedback_report
from generator.feedback import report_format
from generator.feedback.collector import (
    Collector,
    RateLimit,
    make_server,
    prune_daily,
    utc_today,
)
from generator.feedback.database import Unavailable, is_url, open_store, shown
from generator.feedback.events import MAX_BODY, Origins, origin_of
from generator.formats import search_index
from generator.pipeline.build import Checked, check
from generator.pipeline.model import build_site
from generator.pipeline.thesaurus import for_language
from generator.pipeline.translate import in_language


class _Database(click.ParamType):
    """A postgresql:// URL as it is, else a SQLite file's path (not a folder)."""

    name = "PATH|URL"

    def convert(self, value, param, ctx):
        if is_url(value):
            return value
        return click.Path(dir_okay=False, path_type=Path).convert(value, param, ctx)


DB = click.option("--db", type=_Database(), default=Path("feedback.sqlite3"), show_default=True,
                  envvar="KB_FEEDBACK_DB", show_envvar=True,
                  help="The collector's database: a SQLite file, or a postgresql://USER@HOST/DB URL "
                       "(kb's [postgresql] extra; the password from ~/.pgpass, PGPASSWORD, or the URL "
                       "in KB_FEEDBACK_DB, not on the command line).")


def _must_exist(db: Path | str) -> None:
    if not is_url(db) and not Path(db).is_file():
        raise KbError(f"{db}: no such database; give the collector's with --db")


@click.group("feedback")
def feedback_cli() -> None:
    """Feedback and search signals: collect them, keep them for a while, report them by owner."""


def _settings(root: Path) -> Checked | None:
    return check(root) if (root / "mkdocs.yml").is_file() else None


def _origins(checked: Checked | None, public: tuple[str, ...], agent: tuple[str, ...]) -> tuple[Origins, list[str]]:
    notes = []
    pub = {o for o in map(origin_of, public) if o}
    agt = {o for o in map(origin_of, agent) if o}
    if len(pub) != len(public) or len(agt) != len(agent):
        raise click.UsageError("an origin is a site's scheme, host and port, like https://311.example.gov")
    if checked is not None:
        pub = pub or {origin_of(checked.config.base_url("public"))}
        agt = agt or {origin_of(checked.config.base_url("agent"))}
    if not pub:
        raise KbError("no public origin: give --public-origin URL, or --root a content folder whose "
                      "mkdocs.yml has site_url")
    shared = pub & agt
    if shared:
        notes.append(f"the agent site shares the origin {', '.join(sorted(shared))} with the public "
                     f"site: its events count as public and agents' reports are refused; host the "
                     f"agent site on its own host (extra.kb.agent_site_url) or give --agent-origin")
    return Origins(frozenset(pub), frozenset(agt - shared)), notes


@feedback_cli.command("serve")
@ROOT
@DB
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 behind the city's web server.")
@click.option("--port", type=click.IntRange(0, 65535), default=8311, show_default=True,
              help="Port to listen on (0: any free one; the address is printed).")
@click.option("--public-origin", "public", multiple=True,
              help="Origin of the public site [default: from site_url in mkdocs.yml].")
@click.option("--agent-origin", "agent", multiple=True,
              help="Origin of the agent site [default: from extra.kb.agent_site_url].")
@click.option("--rate", type=click.FloatRange(0.1, 1e6), default=30.0, show_default=True,
              help="Events a minute per client, on average.")
@click.option("--burst", type=click.FloatRange(1, 1e6), default=20.0, show_default=True,
              help="Events a client may send at once.")
@click.option("--max-body", type=click.IntRange(256, 1 << 20), default=MAX_BODY, show_default=True,
              help="Largest event, in bytes.")
@click.option("--forwarded", is_flag=True,
              help="Behind a proxy: rate-limit by the last X-Forwarded-For address.")
@click.option("--retention-days", type=click.IntRange(1, 3650), default=None,
              help="Delete events older than this, daily [default: extra.kb.feedback.retention_days, else 180].")
def serve_cli(root: Path, db: Path | str, host: str, port: int, public: tuple[str, ...], agent: tuple[str, ...],
              rate: float, burst: float, max_body: int, forwarded: bool, retention_days: int | None) -> None:
    """Receive the pages' events and store them in a SQLite or PostgreSQL database."""
    checked = _settings(root) if not (public and agent) or retention_days is None else None
    origins, notes = _origins(checked, public, agent)
    feedback = checked.config.feedback if checked else None
    retention = retention_days or (feedback.retention_days if feedback else 180)
    collector = Collector(open_store(db), origins, RateLimit(rate, burst), max_body, forwarded)
    try:
        server = make_server(collector, host, port)
    except OSError as exc:
        collector.store.close()
        raise KbError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stop = threading.Event()
    prune_daily(collector, retention, stop)
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    click.echo(f"Collecting at http://{host}:{server.server_address[1]}/events into {shown(db)}; public "
               f"origin {', '.join(sorted(origins.public))}; agent origin "
               f"{', '.join(sorted(origins.agent)) or 'none'}; events kept {retention} days. "
               f"Ctrl+C stops.", err=True)

    def stopped(signum, frame):  # a service manager's stop (SIGTERM) ends it as Ctrl+C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stopped)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop.set()
        server.server_close()
        collector.store.close()


@feedback_cli.command("prune")
@ROOT
@DB
@click.option("--older-than", "days", type=click.IntRange(0, 3650), default=None,
              help="Delete events that arrived more than DAYS days ago "
                   "[default: extra.kb.feedback.retention_days].")
def prune_cli(root: Path, db: Path | str, days: int | None) -> None:
    """Delete old events (the collector also does it once a day)."""
    if days is None:
        checked = _settings(root)
        if checked is None or checked.config.feedback is None:
            raise click.UsageError("give --older-than DAYS (no extra.kb.feedback.retention_days)")
        days = checked.config.feedback.retention_days
    _must_exist(db)
    store = open_store(db)
    try:
        n = store.prune(utc_today(), days)
        left = store.count()
    except Unavailable as exc:
        raise KbError(f"{shown(db)}: cannot use the database: {exc}") from None
    finally:
        store.close()
    click.echo(f"Deleted {n} events older than {days} days from {shown(db)}; {left} left.", err=True)


class _Searches:
    """kb's search over the content, one index per language and audience, made once."""

    def __init__(self, root: Path, checked: Checked):
        self.root, self.checked = root, checked
        self.codes = {lg.code for lg in checked.config.languages}
        self.indexes: dict[tuple[str, str], dict] = {}
        self.sites: dict[str, object] = {}
        self.memo: dict[tuple[str, str, str], list] = {}

    def index(self, lang: str, audience: str) -> dict:
        key = (lang, audience)
        if key not in self.indexes:
            built = self.root / "site" / audience / "api" / "v1" / lang / "search-index.json"
            if built.is_file():
                self.indexes[key] = json.loads(built.read_text("utf-8"))
            else:
                if audience not in self.sites:
                    self.sites[audience] = build_site(self.checked.tree, self.checked.config, audience)
                site, _ = in_language(self.sites[audience], lang)
                self.indexes[key] = json.loads(search_index.dumps(search_index.build_index(site, lang)))
        return self.indexes[key]

    def __call__(self, query: str, lang: str, audience: str) -> list:
        if lang not in self.codes or audience not in ("public", "agent"):
            return []
        key = (query, lang, audience)
        if key not in self.memo:
            self.memo[key] = search_index.search(self.index(lang, audience), query, 10)
        return self.memo[key]


@feedback_cli.command("report")
@ROOT
@DB
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only events from this day on (YYYY-MM-DD).")
@click.option("--owner", default=None, help="Only this owning department (its id).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True)
def report_cli(root: Path, db: Path | str, since: datetime | None, owner: str | None, fmt: str) -> None:
    """What residents and agents said, per owning department, with the files to edit."""
    _must_exist(db)
    checked = check(root)
    depts = sorted(d.id for d in checked.tree.of("department"))
    if owner is not None and owner not in depts:
        raise click.BadParameter(f"'{owner}' is not a department (catalog/departments/ has: "
                                 f"{', '.join(depts)})", param_hint="--owner")
    store = open_store(db)
    try:
        events = store.events(since.date() if since else None)
    except Unavailable as exc:
        raise KbError(f"{shown(db)}: cannot use the database: {exc}") from None
    finally:
        store.close()
    thesauri: dict[str, object] = {}

    def thesaurus(lang: str):
        if lang not in thesauri:
            thesauri[lang] = for_language(lang, checked.tree.thesaurus)
        return thesauri[lang]

    data = feedback_report.build(events, checked.tree, _Searches(root, checked), thesaurus, owner)
    data["since"] = since.date().isoformat() if since else None
    click.echo({"text": report_format.as_text, "json": report_format.as_json,
                "html": report_format.as_html}[fmt](data), nl=fmt != "html")



"""Review dates: what is past or near its review date, and who must look at it (`kb review`).

Every service, article and department can say who owns it (``owner.department``) and when it was
last checked (``review.last_reviewed``, every ``review.every_days``). A service without an owner
block is owned by its department, and a department file by that department. The date a review is
judged against is deterministic: ``SOURCE_DATE_EPOCH`` when set, else today, in the city's time
zone.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from .load import Doc, Tree

OVERDUE = "overdue"
DUE_SOON = "due-soon"
MISSING = "no-review-date"
OK = "ok"
DEFAULT_EVERY_DAYS = 365
DEFAULT_WITHIN = 30


def today(tz: str | None = None) -> date:
    """SOURCE_DATE_EPOCH's date when set, else today, in the time zone `tz` (UTC if unknown)."""
    try:
        zone = ZoneInfo(tz) if tz else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), zone).date()
    return datetime.now(zone).date()


def due_date(review: dict | None) -> date | None:
    """The date a review block falls due, or None when it has no valid date."""
    if not isinstance(review, dict):
        return None
    try:
        last = date.fromisoformat(str(review.get("last_reviewed")))
    except ValueError:
        return None
    every = review.get("every_days", DEFAULT_EVERY_DAYS)
    return last + timedelta(days=every if isinstance(every, int) else DEFAULT_EVERY_DAYS)


def owner_of(doc: Doc) -> tuple[str | None, tuple]:
    """The owning department's id and the field that says so (None: nobody owns it)."""
    if doc.get(("owner", "department")):
        return str(doc.get(("owner", "department"))), ("owner", "department")
    if doc.kind == "service" and doc.get(("department",)):
        return str(doc.get(("department",))), ("department",)
    if doc.kind == "department":
        return doc.id, ()
    return None, ()


@dataclass(frozen=True)
class Item:
    """One service, article or department and where its review stands."""

    kind: str
    id: str
    path: str
    line: int
    title: str
    owner: str | None
    contact: str | None
    last_reviewed: str | None
    due: str | None
    status: str
    days: int | None  # days past due (negative: days left)


def items(tree: Tree, as_of: date, within: int) -> list[Item]:
    """Every service and article (and department with a review date), with its review status."""
    out = []
    for doc in tree.docs:
        if doc.kind not in ("service", "article", "department") or not isinstance(doc.data, dict):
            continue
        owner, _ = owner_of(doc)
        review = doc.get(("review",))
        due = due_date(review)
        if due is None and doc.kind == "department":
            continue  # a department's own page needs no review date; services and answers do
        if due is None:
            status, days = MISSING, None
        else:
            days = (as_of - due).days
            status = OVERDUE if days > 0 else DUE_SOON if -days <= within else OK
        line = doc.pos(("review", "last_reviewed"))[0] if due else doc.pos(())[0]
        title = doc.get(("title",)) if doc.kind == "article" else doc.get(("name",))
        out.append(Item(doc.kind, doc.id, doc.path, line, str(title or doc.id), owner,
                        doc.get(("owner", "contact")), str(review["last_reviewed"]) if due else None,
                        due.isoformat() if due else None, status, days))
    return sorted(out, key=lambda i: (i.owner is None, i.owner or "", i.path))


def report(tree: Tree, as_of: date, within: int) -> dict:
    """The review report: items that need a look, grouped by owner."""
    names = {d.id: str(d.get(("name",)) or d.id) for d in tree.of("department")}
    kb = (tree.config.get(("extra", "kb")) if tree.config else None) or {}
    reviewers = kb.get("reviewers") or {}
    wanted = [i for i in items(tree, as_of, within) if i.status != OK]
    owners: dict[str | None, list[Item]] = {}
    for item in wanted:
        owners.setdefault(item.owner, []).append(item)
    order = {OVERDUE: 0, DUE_SOON: 1, MISSING: 2}
    groups = []
    for owner, group in owners.items():
        group.sort(key=lambda i: (order[i.status], i.due or "", i.path))
        groups.append({"owner": owner, "name": names.get(owner, owner) if owner else None,
                       "reviewer": reviewers.get(owner) if owner else None,
                       "items": [asdict(i) for i in group]})
    counts = {s: sum(1 for i in wanted if i.status == s) for s in (OVERDUE, DUE_SOON, MISSING)}
    return {"as_of": as_of.isoformat(), "within": within, "counts": counts, "owners": groups}


def format_text(rep: dict) -> str:
    lines = []
    label = {OVERDUE: "overdue", DUE_SOON: "due soon", MISSING: "no review date"}
    for group in rep["owners"]:
        if group["owner"] is None:
            head = "No owner (add owner: {department: ...})"
        else:
            head = f"{group['name']} ({group['owner']})"
            if group["reviewer"]:
                head += f", reviewer {group['reviewer']}"
        lines.append(head)
        for i in group["items"]:
            if i["status"] == OVERDUE:
                when = f"due {i['due']}, {i['days']} day{'s' if i['days'] != 1 else ''} ago"
            elif i["status"] == DUE_SOON:
                left = -i["days"]
                when = ("due today" if left == 0 else
                        f"due {i['due']}, in {left} day{'s' if left != 1 else ''}")
            else:
                when = "add review: {last_reviewed: YYYY-MM-DD, every_days: N}"
            lines.append(f"  {i['path']}:{i['line']}: {label[i['status']]}: {i['title']} ({when})")
            if i["contact"]:
                lines.append(f"      contact: {i['contact']}")
        lines.append("")
    c = rep["counts"]
    lines.append(f"{c[OVERDUE]} overdue, {c[DUE_SOON]} due within {rep['within']} days, "
                 f"{c[MISSING]} with no review date (as of {rep['as_of']}).")
    if c[OVERDUE] or c[DUE_SOON]:
        lines.append("After checking a page with its owner, set review.last_reviewed to the date "
                     "of the check.")
    return "\n".join(lines)


@click.command("review")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The content folder (holds mkdocs.yml).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge review dates on this day (YYYY-MM-DD) [default: SOURCE_DATE_EPOCH, "
                   "else today].")
@click.option("--within", type=click.IntRange(0, 3650), default=DEFAULT_WITHIN, show_default=True,
              help="Also list what falls due within this many days.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--fail-on-overdue", is_flag=True, help="Exit 1 when anything is overdue.")
@click.option("--readability", "plain", is_flag=True,
              help="Instead: every page's readability by owner, hardest first (see docs/plain-language.md).")
def review_cli(root: Path, as_of: datetime | None, within: int, fmt: str,
               fail_on_overdue: bool, plain: bool) -> None:
    """Content past or near its review date, grouped by owner, with the file to edit."""
    from .build import check

    checked = check(root, fmt="json" if fmt == "json" else "text")
    if plain:
        from . import readability
        rep = readability.report(checked.tree)
        click.echo(json.dumps(rep, indent=2, ensure_ascii=False) if fmt == "json"
                   else readability.format_report(rep))
        return
    day = as_of.date() if as_of else today(checked.config.timezone)
    rep = report(checked.tree, day, within)
    if fmt == "json":
        click.echo(json.dumps(rep, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(rep))
    if fail_on_overdue and rep["counts"][OVERDUE]:
        raise click.exceptions.Exit(1)

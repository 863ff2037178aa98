"""`kb review`: content past or near its review date, grouped by owner, with the file to edit
(the statuses are worked out in generator/pipeline/reviews.py)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from generator.clock import today
from generator.commands.options import ROOT
from generator.pipeline import readability
from generator.pipeline.build import check
from generator.pipeline.reviews import (
    DEFAULT_WITHIN,
    DUE_SOON,
    MISSING,
    OVERDUE,
    report,
)


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
@ROOT
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
    checked = check(root, fmt="json" if fmt == "json" else "text")
    if plain:
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

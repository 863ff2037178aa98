"""Review dates: what is past or near its review date, and who owns it.

Every service, article and department can say who owns it (``owner.department``) and when it was
last checked (``review.last_reviewed``, every ``review.every_days``). A service without an owner
block is owned by its department, and a department file by that department. The date a review is
judged against comes from the clock (``SOURCE_DATE_EPOCH`` when set, else today) in the city's
time zone. Validation warns of overdue reviews; `kb review` reports them by owner.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from generator.pipeline.load import Doc, Tree

OVERDUE = "overdue"
DUE_SOON = "due-soon"
MISSING = "no-review-date"
OK = "ok"
DEFAULT_EVERY_DAYS = 365
DEFAULT_WITHIN = 30


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

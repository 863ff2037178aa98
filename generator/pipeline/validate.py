"""Validate stage: schemas first, then everything a schema cannot say.

Cross-references (departments, related services, article services, transfer targets, flow steps,
alert services, ``service:`` and ``article:`` links), dates that exist, hours that make sense,
decision flows without dead ends, Open311 codes used once. Every problem keeps its file and line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator import clock
from generator.errors import WARNING, Problems
from generator.pipeline import markup, readability, reviews, schema, thesaurus
from generator.pipeline.inherit import check_inherited
from generator.pipeline.load import ID_RE, Doc, Tree, field_name
from generator.pipeline.schema import suggest

MARKDOWN_FIELDS = {
    "service": [("description",), ("agent", "script"), ("agent", "escalation"), ("agent", "notes")],
    "department": [("agent", "notes")],
    "alert": [("message",)],
}


def validate(tree: Tree, problems: Problems) -> None:
    """Add every problem in the tree to `problems`."""
    config_ok = _check_config(tree, problems)
    if tree.config is not None:  # what mkdocs.yml inherits is content too
        check_inherited(tree.root, tree.config, problems)
    valid = [d for d in tree.docs if schema.check_doc(d, d.kind, problems)]
    ids = {kind: {d.id: d for d in tree.docs if d.kind == kind}
           for kind in ("department", "service", "article", "alert")}
    tz_default = tree.config.get(("extra", "kb", "timezone")) if config_ok and tree.config else None
    check = _Checker(ids, problems)
    check.broken = tree.broken
    kb = tree.config.get(("extra", "kb")) if config_ok and tree.config else None
    check.as_of = clock.today(tz_default)
    check.reviewers = (kb or {}).get("reviewers")  # None: the site does not use CODEOWNERS
    for doc in valid:
        getattr(check, doc.kind)(doc, tz_default)
    check.open311_codes([d for d in valid if d.kind == "service"])
    if tree.thesaurus is not None:
        langs = [lang.get("code") for lang in (kb or {}).get("languages") or () if isinstance(lang, dict)]
        thesaurus.check(tree.thesaurus, problems, langs or None)
    if config_ok:
        readability.check(tree, valid, problems)  # plain language: warnings at each text's line
    _waiting(tree, check.waiting, problems)


def _waiting(tree: Tree, waiting: dict, problems: Problems) -> None:
    """A file that could not be read says how many references to it wait for its fix (they are
    not reported as references to nothing: the file is there)."""
    for (kind, id_), n in sorted(waiting.items()):
        rel = tree.broken[(kind, id_)]
        for i, p in enumerate(problems.items):
            if p.path == rel and p.severity != WARNING:
                note = (f" ({n} reference{'s' if n != 1 else ''} to this {kind} in other files "
                        f"{'are' if n != 1 else 'is'} checked once this is fixed)")
                problems.items[i] = replace(p, message=p.message + note)
                break


def _check_config(tree: Tree, problems: Problems) -> bool:
    doc = tree.config
    if doc is None:
        return False
    ok = True
    if not doc.data.get("site_url"):
        problems.add(doc.path, 1, 1, "site_url", "is required: the address the public site is "
                     "published at, like 'https://311.example.gov/'")
        ok = False
    elif not re.match(r"^https?://[^\s/]+(/\S*)?$", str(doc.data["site_url"])):
        line, col = doc.pos(("site_url",))
        problems.add(doc.path, line, col, "site_url", "must be a web address starting with "
                     "https://, like 'https://311.example.gov/'")
        ok = False
    extra = doc.data.get("extra")
    kb = extra.get("kb") if isinstance(extra, dict) else None
    if kb is None:
        problems.add(doc.path, 1, 1, "extra.kb", "is missing: add 'extra: {kb: {city, timezone, "
                     "phones, languages}}' (see 'kb init' for an example)")
        return False
    ok = schema.check_doc(doc, "config", problems, data=kb, prefix=("extra", "kb")) and ok
    if not ok:
        return False
    _check_tz(doc, ("extra", "kb", "timezone"), kb["timezone"], problems)
    seen: dict[str, int] = {}
    for i, lang in enumerate(kb["languages"]):
        if lang["code"] in seen:
            line, col = doc.pos(("extra", "kb", "languages", i, "code"))
            problems.add(doc.path, line, col, field_name(("extra", "kb", "languages", i, "code")),
                         f"'{lang['code']}' is listed twice; keep one")
        seen[lang["code"]] = i
        if "locale" in lang:
            _check_locale(doc, ("extra", "kb", "languages", i, "locale"), lang["locale"], problems)
    return True


def _check_locale(doc: Doc, path: tuple, value: str, problems: Problems) -> None:
    from babel import Locale, UnknownLocaleError
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        line, col = doc.pos(path)
        problems.add(doc.path, line, col, field_name(path),
                     f"'{value}' is not a locale Babel knows; use one like 'en' or 'pt_BR' "
                     "(with an underscore), or leave it out")


def _check_tz(doc: Doc, path: tuple, value: str, problems: Problems) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        line, col = doc.pos(path)
        problems.add(doc.path, line, col, field_name(path),
                     f"'{value}' is not a known time zone; use an IANA name like America/Chicago")


class _Checker:
    def __init__(self, ids: dict[str, dict[str, Doc]], problems: Problems):
        self.ids = ids
        self.problems = problems
        self.as_of = clock.today()
        self.reviewers: dict | None = None
        self.broken: dict = {}  # (kind, id) -> path of a file that is there but unreadable
        self.waiting: dict = {}  # (kind, id) of such a file -> the references to it

    def _is_broken(self, kind: str, value: str) -> bool:
        """A reference to a file that is there but could not be read: counted, not reported."""
        if (kind, value) not in self.broken:
            return False
        self.waiting[(kind, value)] = self.waiting.get((kind, value), 0) + 1
        return True

    def error(self, doc: Doc, path: tuple, message: str, severity: str = "error") -> None:
        line, col = doc.pos(path)
        self.problems.add(doc.path, line, col, field_name(path), message, severity)

    def ref(self, doc: Doc, path: tuple, kind: str, value: str) -> bool:
        if value in self.ids[kind]:
            return True
        if self._is_broken(kind, value):
            return False
        folder = {"department": "catalog/departments", "service": "catalog/services",
                  "article": "articles", "alert": "catalog/alerts"}[kind]
        ext = ".md" if kind == "article" else ".yaml"
        self.error(doc, path, f"no {kind} '{value}' (there is no {folder}/{value}{ext})"
                              f"{suggest(value, list(self.ids[kind]))}")
        return False

    def date(self, doc: Doc, path: tuple, value: str) -> date | None:
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(doc, path, f"'{value}' is not a real date")
            return None

    def links(self, doc: Doc, path: tuple, text: str | None, line0: int | None = None) -> None:
        if not text:
            return
        for m in markup.LINK_RE.finditer(text):
            kind, target = m.group(1), m.group(2)
            if target in self.ids[kind]:
                self._public_to_agent(doc, path, kind, target, text, m, line0)
                continue
            if self._is_broken(kind, target):
                continue
            hint = suggest(target, list(self.ids[kind]))
            msg = f"links to {kind}:{target}, which does not exist{hint}"
            if not ID_RE.match(target):
                msg = f"'{kind}:{target}' is not a valid link: {kind}: is followed by an id"
            if line0 is not None:  # an article body: point at the exact line and column
                before = text[: m.start(1)]
                line = line0 + before.count("\n")
                col = m.start(1) - (before.rfind("\n") + 1) + 1
                self.problems.add(doc.path, line, col, field_name(path), msg)
            else:
                self.error(doc, path, msg)

    def _public_to_agent(self, doc, path, kind, target, text, m, line0) -> None:
        if kind != "article":
            return
        target_doc = self.ids["article"][target]
        if target_doc.data.get("audience", "both") != "agent":
            return
        if doc.kind == "article" and doc.data.get("audience", "both") == "agent":
            return
        if doc.kind == "service" and path[0] == "agent":
            return
        # Residents will see the link text without a link; worth knowing, not an error.
        msg = (f"links to article:{target}, which is for agents only; residents see the text "
               "without the link")
        if line0 is not None:
            before = text[: m.start(1)]
            self.problems.add(doc.path, line0 + before.count("\n"),
                              m.start(1) - (before.rfind("\n") + 1) + 1, field_name(path), msg,
                              WARNING)

    def markdown_fields(self, doc: Doc) -> None:
        for path in MARKDOWN_FIELDS.get(doc.kind, ()):
            self.links(doc, path, doc.get(path))

    def owner(self, doc: Doc) -> None:
        if doc.get(("owner", "department")):
            self.ref(doc, ("owner", "department"), "department", doc.get(("owner", "department")))
        if doc.get(("review", "last_reviewed")):
            if self.date(doc, ("review", "last_reviewed"), doc.get(("review", "last_reviewed"))):
                self.review_due(doc)
        self.reviewer(doc)

    def review_due(self, doc: Doc) -> None:
        """A warning when the review date has passed (--strict: an error)."""
        due = reviews.due_date(doc.get(("review",)))
        if due and due < self.as_of:
            every = doc.get(("review", "every_days"), reviews.DEFAULT_EVERY_DAYS)
            self.error(doc, ("review", "last_reviewed"),
                       f"review was due on {due.isoformat()} (every {every} days); check this "
                       "page with its owner, then set last_reviewed to the date of the check",
                       WARNING)

    def reviewer(self, doc: Doc) -> None:
        """A warning when the owner has no reviewer in extra.kb.reviewers (only when there is one)."""
        if self.reviewers is None:
            return
        owner, path = reviews.owner_of(doc)
        if owner and owner not in self.reviewers:
            self.error(doc, path, f"owner '{owner}' has no reviewer: add '{owner}: \"@org/team\"' "
                                  "to extra.kb.reviewers in mkdocs.yml so that CODEOWNERS asks them "
                                  "to review changes", WARNING)

    # --- one method per kind -------------------------------------------------------------------

    def department(self, doc: Doc, tz_default: str | None) -> None:
        hours = doc.get(("hours",)) or {}
        if "timezone" in hours:
            _check_tz(doc, ("hours", "timezone"), hours["timezone"], self.problems)
        for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            v = hours.get(day)
            if v is None or v == "closed":
                continue
            ranges = [v] if isinstance(v, str) else v
            last_end = None
            for i, r in enumerate(ranges):
                p = ("hours", day) if isinstance(v, str) else ("hours", day, i)
                start, end = r.split("-")
                if start >= end:
                    self.error(doc, p, f"'{r}' ends before it starts; write the earlier time first"
                                       " (for hours past midnight, split into two days)")
                elif last_end and start < last_end:
                    self.error(doc, p, f"'{r}' overlaps the range before it; list ranges in order"
                                       " without overlaps")
                last_end = end
        self.markdown_fields(doc)
        self.owner(doc)

    def service(self, doc: Doc, tz_default: str | None) -> None:
        d = doc.data
        self.ref(doc, ("department",), "department", d["department"])
        for i, rid in enumerate(d.get("related") or ()):
            if rid == doc.id:
                self.error(doc, ("related", i), "a service cannot be related to itself")
            else:
                self.ref(doc, ("related", i), "service", rid)
        if doc.get(("agent", "transfer", "to")):
            self.ref(doc, ("agent", "transfer", "to"), "department", doc.get(("agent", "transfer", "to")))
        season = d.get("season")
        if season:
            for key in ("from", "to"):
                try:
                    date.fromisoformat(f"2024-{season[key]}")  # a leap year allows 02-29
                except ValueError:
                    self.error(doc, ("season", key), f"'{season[key]}' is not a real month and day")
        seen: dict[str, int] = {}
        for i, q in enumerate(doc.get(("request", "questions")) or ()):
            if q["code"] in seen:
                self.error(doc, ("request", "questions", i, "code"),
                           f"question code '{q['code']}' is used twice in this service "
                           f"(also questions[{seen[q['code']]}]); codes must differ")
            seen[q["code"]] = i
            if q.get("values") and q.get("datatype", "string") not in ("singlevaluelist", "multivaluelist"):
                self.error(doc, ("request", "questions", i, "values"),
                           "values only go with datatype singlevaluelist or multivaluelist")
            keys: set = set()
            for j, v in enumerate(q.get("values") or ()):
                if v["key"] in keys:
                    self.error(doc, ("request", "questions", i, "values", j, "key"),
                               f"key '{v['key']}' is used twice in this question")
                keys.add(v["key"])
        self.markdown_fields(doc)
        self.owner(doc)

    def article(self, doc: Doc, tz_default: str | None) -> None:
        d = doc.data
        for i, sid in enumerate(d.get("services") or ()):
            self.ref(doc, ("services", i), "service", sid)
        self.links(doc, ("body",), doc.body, doc.body_line)
        if re.search(r"^#\s", doc.body, re.M):
            line = doc.body_line + doc.body[: re.search(r"^#\s", doc.body, re.M).start()].count("\n")
            self.problems.add(doc.path, line, 1, "body", "starts a section with '# ': the title "
                              "comes from the front matter; use '## ' for sections", WARNING)
        if d.get("flow"):
            self.flow(doc, d["flow"])
        self.owner(doc)

    def flow(self, doc: Doc, flow: dict) -> None:
        steps = flow["steps"]
        base = ("flow", "steps")
        if flow["start"] not in steps:
            self.error(doc, ("flow", "start"), f"start names step '{flow['start']}', which is not in "
                                               "flow.steps")
            return
        for sid, step in steps.items():
            for i, opt in enumerate(step.get("options") or ()):
                if opt["next"] not in steps:
                    self.error(doc, base + (sid, "options", i, "next"),
                               f"next names step '{opt['next']}', which is not in flow.steps"
                               f"{suggest(opt['next'], list(steps))}")
            if step.get("transfer"):
                self.ref(doc, base + (sid, "transfer"), "department", step["transfer"])
            if step.get("service"):
                self.ref(doc, base + (sid, "service"), "service", step["service"])
        reach, todo = set(), [flow["start"]]
        while todo:
            sid = todo.pop()
            if sid in reach or sid not in steps:
                continue
            reach.add(sid)
            todo.extend(o["next"] for o in steps[sid].get("options") or ())
        for sid in steps:
            if sid not in reach:
                line, col = doc.key_pos(base + (sid,))
                self.problems.add(doc.path, line, col, field_name(base + (sid,)),
                                  f"step '{sid}' cannot be reached from start '{flow['start']}'; "
                                  "link to it from an option or remove it")
        # A dead end: a step from which no outcome can be reached (a loop of questions).
        ends = {sid for sid, s in steps.items() if "outcome" in s}
        changed = True
        while changed:
            changed = False
            for sid, s in steps.items():
                if sid not in ends and any(o["next"] in ends for o in s.get("options") or ()):
                    ends.add(sid)
                    changed = True
        for sid in steps:
            if sid in reach and sid not in ends:
                line, col = doc.key_pos(base + (sid,))
                self.problems.add(doc.path, line, col, field_name(base + (sid,)),
                                  f"step '{sid}' is a dead end: no outcome can be reached from it")

    def alert(self, doc: Doc, tz_default: str | None) -> None:
        for i, sid in enumerate(doc.get(("services",)) or ()):
            self.ref(doc, ("services", i), "service", sid)
        try:
            starts = datetime.fromisoformat(doc.data["starts"].replace("Z", "+00:00"))
            ends = datetime.fromisoformat(doc.data["ends"].replace("Z", "+00:00"))
        except ValueError as exc:
            self.error(doc, ("starts",), f"is not a real date and time ({exc})")
            return
        if ends <= starts:
            self.error(doc, ("ends",), "is not after starts; an alert must end after it starts")
        self.markdown_fields(doc)

    def calendar(self, doc: Doc, tz_default: str | None) -> None:
        for i, h in enumerate(doc.get(("holidays",)) or ()):
            self.date(doc, ("holidays", i, "date"), h["date"])
        for i, c in enumerate(doc.get(("closures",)) or ()):
            self.date(doc, ("closures", i, "date"), c["date"])
            for j, dep in enumerate(c.get("departments") or ()):
                self.ref(doc, ("closures", i, "departments", j), "department", dep)

    def open311_codes(self, services: list[Doc]) -> None:
        seen: dict[str, Doc] = {}
        folded_codes: dict[str, str] = {}  # casefolded code -> the first code that folds to it
        for doc in services:
            code = doc.get(("open311", "code"))
            code = str(code) if code is not None else doc.id
            if code in seen:
                path = ("open311", "code") if doc.get(("open311", "code")) is not None else ()
                self.error(doc, path, f"Open311 code '{code}' is also the code of "
                                      f"{seen[code].path}; each service needs its own code")
            else:
                folded = folded_codes.setdefault(code.casefold(), code)
                folded = None if folded == code else folded
                if folded is not None:
                    path = ("open311", "code") if doc.get(("open311", "code")) is not None else ()
                    self.error(doc, path, f"Open311 code '{code}' differs only in case from "
                                          f"'{folded}' ({seen[folded].path}); on hosts that ignore "
                                          f"case both definitions share one file", "warning")
                seen[code] = doc

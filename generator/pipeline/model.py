"""Model stage: validated documents become frozen dataclasses, one model per audience.

The public model is built from ``schema.public_view`` of each document, so a field the schemas
mark ``x-internal`` is not in it at all: a template cannot leak what it was never given. Articles
for agents only, alerts for agents only and the agent-only blocks of shared articles are dropped
here too, and so are links to agent-only articles (their words stay, their address goes), so
that no public output (pages, JSON, search) names a page residents cannot open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.pipeline import markup, schema
from generator.pipeline.load import Doc, Tree
from generator.pipeline.markup import AGENT_BLOCKS, split_agent_blocks  # noqa: F401 - part of the model's interface

AUDIENCES = ("public", "agent")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    dir: str = "ltr"
    locale: str | None = None  # Babel locale for dates and numbers; None: neutral formats


@dataclass(frozen=True)
class Phones:
    main: str
    outside: str | None = None
    tty: str | None = None
    text: str | None = None
    interpreter: str | None = None


@dataclass(frozen=True)
class Feedback:
    """extra.kb.feedback: where the pages send feedback and search signals (docs/feedback.md)."""

    collector: str
    retention_days: int = 180


@dataclass(frozen=True)
class Config:
    root: Path
    site_url: str
    city: str
    timezone: str
    phones: Phones
    languages: tuple[Language, ...]
    currency: str = "USD"
    hours: str | None = None
    agent_site_url: str | None = None
    reviewers: tuple[tuple[str, str], ...] = ()
    translators: tuple[tuple[str, str], ...] = ()
    logo: str | None = None
    feedback: Feedback | None = None  # None: off, and the sites carry nothing of it

    @property
    def source(self) -> Language:
        return self.languages[0]

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    def base_url(self, audience: str) -> str:
        """The root address of an audience's site, ending in '/': ``site_url`` for the public
        site, ``agent_site_url`` (default: ``<site_url>agent/``) for the agent site."""
        base = self.site_url.rstrip("/") + "/"
        if audience == "agent":
            base = (self.agent_site_url or base + "agent/").rstrip("/") + "/"
        return base


@dataclass(frozen=True)
class Review:
    last_reviewed: date
    every_days: int = 365

    @property
    def due(self) -> date:
        from datetime import timedelta
        return self.last_reviewed + timedelta(days=self.every_days)


@dataclass(frozen=True)
class Owner:
    department: str
    contact: str | None = None


@dataclass(frozen=True)
class Channel:
    type: str
    url: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Value:
    key: str
    name: str


@dataclass(frozen=True)
class Question:
    code: str
    prompt: str
    datatype: str = "string"
    datatype_description: str | None = None
    required: bool = False
    variable: bool = True
    values: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Transfer:
    to: str
    when: str | None = None


@dataclass(frozen=True)
class ServiceAgent:
    script: str | None = None
    transfer: Transfer | None = None
    escalation: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Service:
    id: str
    path: str
    name: str
    department: str
    group: str
    summary: str
    keywords: tuple[str, ...] = ()
    emergency: bool = False
    season: tuple[str, str] | None = None
    description: str | None = None
    channels: tuple[Channel, ...] = ()
    questions: tuple[Question, ...] = ()
    response_time: tuple[float, str] | None = None  # (value, unit)
    fees: str | None = None
    eligibility: str | None = None
    related: tuple[str, ...] = ()
    agent: ServiceAgent | None = None
    owner: Owner | None = None
    review: Review | None = None
    readability_waiver: str | None = None  # readability.waive: why kb check's targets are waived
    open311_code: str | None = None
    open311_type: str = "realtime"
    open311_description: bool = True  # false: the Open311 list shows an empty description
    open311_group: bool = True  # false: the Open311 list shows no group

    @property
    def code(self) -> str:
        """The Open311 service_code: open311.code when set, else the id."""
        return self.open311_code if self.open311_code is not None else self.id


@dataclass(frozen=True)
class Hours:
    timezone: str
    days: tuple[tuple[tuple[str, str], ...], ...]  # seven days, Monday first; () is closed
    holidays_open: bool = False


@dataclass(frozen=True)
class DepartmentAgent:
    transfer_line: str | None = None
    after_hours_line: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Department:
    id: str
    path: str
    name: str
    kind: str
    description: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    address: str | None = None
    hours: Hours | None = None
    jurisdiction: tuple[str, ...] = ()
    agent: DepartmentAgent | None = None
    owner: Owner | None = None
    review: Review | None = None
    readability_waiver: str | None = None


@dataclass(frozen=True)
class Alert:
    id: str
    path: str
    title: str
    message: str
    starts: str
    ends: str
    services: tuple[str, ...] = ()
    audience: str = "both"


@dataclass(frozen=True)
class Holiday:
    date: str
    name: str


@dataclass(frozen=True)
class Closure:
    date: str
    name: str
    departments: tuple[str, ...] = ()  # empty: all
    hours: str = "closed"


@dataclass(frozen=True)
class Calendar:
    holidays: tuple[Holiday, ...] = ()
    closures: tuple[Closure, ...] = ()


@dataclass(frozen=True)
class FlowOption:
    label: str
    next: str


@dataclass(frozen=True)
class FlowStep:
    id: str
    ask: str | None = None
    options: tuple[FlowOption, ...] = ()
    outcome: str | None = None
    transfer: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class Flow:
    start: str
    steps: tuple[FlowStep, ...]

    def step(self, id_: str) -> FlowStep:
        return next(s for s in self.steps if s.id == id_)


@dataclass(frozen=True)
class Article:
    id: str
    path: str
    title: str
    body: str
    body_line: int = 1
    summary: str | None = None
    services: tuple[str, ...] = ()
    audience: str = "both"
    keywords: tuple[str, ...] = ()
    owner: Owner | None = None
    review: Review | None = None
    flow: Flow | None = None
    readability_waiver: str | None = None


@dataclass(frozen=True)
class Site:
    audience: str  # public | agent
    config: Config
    departments: dict[str, Department]
    services: dict[str, Service]
    articles: dict[str, Article]
    alerts: dict[str, Alert]
    calendar: Calendar = field(default_factory=Calendar)
    hidden_articles: frozenset[str] = frozenset()  # agent-only articles, unlinked in a public model
    words: Any = None  # catalog/thesaurus.yaml, the city's words for the search (its data, as read)

    def services_of(self, dept_id: str) -> list[Service]:
        return self._services_by_department.get(dept_id, [])

    def has_page(self, kind: str, id_: str) -> bool:
        """Whether this audience's site has the page of a service or an article."""
        return id_ in (self.services if kind == "service" else self.articles)

    def articles_about(self, service_id: str) -> list[Article]:
        return self._articles_by_service.get(service_id, [])

    @cached_property
    def _services_by_department(self) -> dict[str, list[Service]]:
        out: dict[str, list[Service]] = {}
        for s in self.services.values():
            out.setdefault(s.department, []).append(s)
        return out

    @cached_property
    def _articles_by_service(self) -> dict[str, list[Article]]:
        out: dict[str, list[Article]] = {}
        for a in self.articles.values():
            for sid in dict.fromkeys(a.services):
                out.setdefault(sid, []).append(a)
        return out


# --- construction ------------------------------------------------------------------------------

def _tuple(v: Any) -> tuple:
    return tuple(v or ())


def _review(d: dict | None) -> Review | None:
    if not d:
        return None
    return Review(date.fromisoformat(d["last_reviewed"]), d.get("every_days", 365))


def _owner(d: dict | None) -> Owner | None:
    return Owner(d["department"], d.get("contact")) if d else None


def parse_range(text: str) -> tuple[str, str]:
    start, end = text.split("-")
    return start, end


def _hours(d: dict | None, default_tz: str) -> Hours | None:
    if not d:
        return None
    days = []
    for day in DAYS:
        v = d.get(day, "closed")
        if v == "closed":
            days.append(())
        else:
            ranges = [v] if isinstance(v, str) else v
            days.append(tuple(parse_range(r) for r in ranges))
    return Hours(d.get("timezone", default_tz), tuple(days), d.get("holidays", "closed") == "open")


def make_config(doc: Doc) -> Config:
    kb = doc.data["extra"]["kb"]
    phones = kb["phones"]
    langs = []
    for item in kb["languages"]:
        locale = item.get("locale") or babel_locale(item["code"])
        langs.append(Language(item["code"], item["name"], item.get("dir") or _direction(item["code"]),
                              None if item.get("formats") == "neutral" else locale))
    return Config(
        root=Path("."), site_url=doc.data["site_url"], city=kb["city"], timezone=kb["timezone"],
        phones=Phones(**{k: str(v) for k, v in phones.items()}), languages=tuple(langs),
        currency=kb.get("currency", "USD"), hours=kb.get("hours"),
        agent_site_url=kb.get("agent_site_url"),
        reviewers=tuple(sorted((kb.get("reviewers") or {}).items())),
        translators=tuple(sorted((kb.get("translators") or {}).items())), logo=kb.get("logo"),
        feedback=Feedback(**kb["feedback"]) if kb.get("feedback") else None)


def babel_locale(code: str) -> str | None:
    from babel import Locale, UnknownLocaleError
    try:
        Locale.parse(code.replace("-", "_"))
        return code.replace("-", "_")
    except (UnknownLocaleError, ValueError):
        return None


def _direction(code: str) -> str:
    from babel import Locale, UnknownLocaleError
    try:
        return "rtl" if Locale.parse(code.replace("-", "_")).character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError):
        return "ltr"


def make_service(doc: Doc, d: dict) -> Service:
    req = d.get("request") or {}
    agent = d.get("agent")
    rt = d.get("response_time")
    o311 = d.get("open311") or {}
    return Service(
        id=doc.id, path=doc.path, name=d["name"], department=d["department"], group=d["group"],
        summary=d["summary"], keywords=_tuple(d.get("keywords")), emergency=d.get("emergency", False),
        season=(d["season"]["from"], d["season"]["to"]) if d.get("season") else None,
        description=d.get("description"),
        channels=tuple(Channel(**c) for c in req.get("channels") or ()),
        questions=tuple(
            Question(code=q["code"], prompt=q["prompt"], datatype=q.get("datatype", "string"),
                     datatype_description=q.get("datatype_description"),
                     required=q.get("required", False), variable=q.get("variable", True),
                     values=tuple(Value(str(v["key"]), v["name"]) for v in q.get("values") or ()))
            for q in req.get("questions") or ()),
        response_time=(rt["value"], rt["unit"]) if rt else None,
        fees=d.get("fees"), eligibility=d.get("eligibility"), related=_tuple(d.get("related")),
        agent=ServiceAgent(
            script=agent.get("script"),
            transfer=Transfer(**agent["transfer"]) if agent.get("transfer") else None,
            escalation=agent.get("escalation"), notes=agent.get("notes")) if agent else None,
        owner=_owner(d.get("owner")), review=_review(d.get("review")),
        readability_waiver=(d.get("readability") or {}).get("waive"),
        open311_code=str(o311["code"]) if "code" in o311 else None,
        open311_type=o311.get("type", "realtime"),
        open311_description=o311.get("description", True), open311_group=o311.get("group", True))


def make_department(doc: Doc, d: dict, default_tz: str) -> Department:
    agent = d.get("agent")
    return Department(
        id=doc.id, path=doc.path, name=d["name"], kind=d["kind"], description=d.get("description"),
        phone=d.get("phone"), email=d.get("email"), url=d.get("url"), address=d.get("address"),
        hours=_hours(d.get("hours"), default_tz), jurisdiction=_tuple(d.get("jurisdiction")),
        agent=DepartmentAgent(**agent) if agent else None,
        owner=_owner(d.get("owner")), review=_review(d.get("review")),
        readability_waiver=(d.get("readability") or {}).get("waive"))


def make_article(doc: Doc, d: dict, body: str) -> Article:
    flow = d.get("flow")
    return Article(
        id=doc.id, path=doc.path, title=d["title"], body=body, body_line=doc.body_line,
        summary=d.get("summary"), services=_tuple(d.get("services")),
        audience=d.get("audience", "both"), keywords=_tuple(d.get("keywords")),
        owner=_owner(d.get("owner")), review=_review(d.get("review")),
        readability_waiver=(d.get("readability") or {}).get("waive"),
        flow=Flow(flow["start"], tuple(
            FlowStep(id=sid, ask=s.get("ask"),
                     options=tuple(FlowOption(o["label"], o["next"]) for o in s.get("options") or ()),
                     outcome=s.get("outcome"), transfer=s.get("transfer"), service=s.get("service"))
            for sid, s in flow["steps"].items())) if flow else None)


def make_alert(doc: Doc, d: dict) -> Alert:
    return Alert(id=doc.id, path=doc.path, title=d["title"], message=d["message"], starts=d["starts"],
                 ends=d["ends"], services=_tuple(d.get("services")),
                 audience=d.get("audience", "both"))


def make_calendar(d: dict | None) -> Calendar:
    d = d or {}
    return Calendar(
        holidays=tuple(Holiday(h["date"], h["name"]) for h in d.get("holidays") or ()),
        closures=tuple(Closure(c["date"], c["name"], _tuple(c.get("departments")),
                               c.get("hours", "closed")) for c in d.get("closures") or ()))




def unlink_articles(value: Any, hidden: frozenset[str]) -> Any:
    """`value` with every Markdown link to one of the `hidden` articles replaced by its text."""
    if isinstance(value, str):
        return markup.ARTICLE_LINK_RE.sub(lambda m: m.group(1) if m.group(2) in hidden else m.group(0), value)
    if isinstance(value, dict):
        return {k: unlink_articles(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [unlink_articles(v, hidden) for v in value]
    return value


class Memo:
    """What a long-running caller (the live preview) keeps between two runs of a stage: the
    result made from each input object, reused while the input is the same object under the
    same conditions. Entries not used by a run are dropped at its end."""

    def __init__(self):
        self._last: dict[int, tuple] = {}
        self._now: dict[int, tuple] = {}

    def get(self, obj: Any, condition: Any, make):
        hit = self._last.get(id(obj))
        if hit is not None and hit[0] is obj and hit[1] == condition:
            value = hit[2]
        else:
            value = make()
        self._now[id(obj)] = (obj, condition, value)
        return value

    def done(self) -> None:
        self._last, self._now = self._now, {}


def build_site(tree: Tree, config: Config, audience: str, memo: Memo | None = None) -> Site:
    """The model of one audience. Assumes the tree has been validated. `memo`: see Memo (the
    documents a loader cache hands back unchanged are not made again)."""
    public = audience == "public"
    hidden = frozenset(d.id for d in tree.of("article") if d.data.get("audience", "both") == "agent")

    def data(doc: Doc) -> dict:
        return unlink_articles(schema.public_view(doc.kind, doc.data), hidden) if public else doc.data

    def made(doc: Doc, make):
        if memo is None:
            return make()
        return memo.get(doc, (audience, hidden, config), make)

    departments = {d.id: made(d, lambda d=d: make_department(d, data(d), config.timezone))
                   for d in tree.of("department")}
    services = {d.id: made(d, lambda d=d: make_service(d, data(d))) for d in tree.of("service")}
    articles = {}
    for d in tree.of("article"):
        aud = d.data.get("audience", "both")
        if public and aud == "agent":
            continue
        articles[d.id] = made(d, lambda d=d: make_article(
            d, data(d), unlink_articles(split_agent_blocks(d.body), hidden) if public else d.body))
    alerts = {d.id: make_alert(d, data(d)) for d in tree.of("alert")
              if not (public and d.data.get("audience", "both") == "agent")}
    cal = tree.of("calendar")
    if memo is not None:
        memo.done()
    return Site(audience, config, departments, services, articles, alerts,
                make_calendar(cal[0].data if cal else None), hidden if public else frozenset(),
                tree.thesaurus.data if tree.thesaurus is not None else None)

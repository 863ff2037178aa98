"""A large synthetic but realistic content tree, for the scale and search benchmarks.

    .venv/bin/python bench/make_catalog.py N [--out DIR] [--translated 0.8] [--seed 311]

Writes N services, N/2 articles (one in ten for agents only), 20 departments (four of them
partner agencies), a holiday calendar, two alerts and five languages (English, the source;
Spanish, French, Somali and Arabic) whose PO files have about --translated of their messages
translated. The words come from the kinds of requests a 311 centre takes (a problem, a thing,
a place), so names, keywords, descriptions, questions, scripts and article bodies have the
length and the shape of real ones; the translations are made-up words of the same length (the
build does not care what a translation says, only how long it is and that it is there).

The same N and seed always give the same tree, byte for byte.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("so", "Soomaali"),
             ("ar", "العربية")]

DEPARTMENTS = [  # id, name, kind, what it handles
    ("public-works", "Public Works – Streets", "city", "streets, sidewalks and alleys"),
    ("solid-waste", "Solid Waste and Recycling", "city", "garbage, recycling and yard waste"),
    ("water", "Water and Sewer", "city", "water mains, meters and sewers"),
    ("transportation", "Transportation and Parking", "city", "signals, signs and parking"),
    ("parks", "Parks and Recreation", "city", "parks, trails and pools"),
    ("forestry", "Forestry", "city", "trees on boulevards and in parks"),
    ("animal-care", "Animal Care and Control", "city", "stray, hurt and dangerous animals"),
    ("regulatory-services", "Regulatory Services", "city", "housing, zoning and nuisance property"),
    ("health", "Health Department", "city", "restaurants, pests and lead"),
    ("finance", "Finance and Treasury", "city", "utility bills and payments"),
    ("elections", "Elections and Voter Services", "city", "voting and elections"),
    ("development", "Development Services", "city", "permits and inspections"),
    ("libraries", "Libraries", "city", "library cards and branches"),
    ("fire-prevention", "Fire Prevention", "city", "smoke alarms and fire hazards"),
    ("civil-rights", "Civil Rights", "city", "discrimination complaints"),
    ("contact-centre", "311 Contact Center", "city", "general questions"),
    ("police-fire-911", "911 Emergency", "partner", "emergencies: fire, crime, medical"),
    ("united-way-211", "211 United Way", "partner", "food, shelter and human services"),
    ("county", "Hennepin County", "partner", "property tax, courts and social services"),
    ("gas-utility", "Gas Company", "partner", "gas leaks and gas service"),
]

PROBLEMS = [  # (what is wrong, how callers say it)
    ("Broken", "is broken"), ("Damaged", "got damaged"), ("Missing", "is gone"),
    ("Leaking", "is leaking"), ("Blocked", "is blocked"), ("Dirty", "is filthy"),
    ("Noisy", "makes a lot of noise"), ("Unsafe", "looks dangerous"), ("Vandalized", "was tagged"),
    ("Overflowing", "is overflowing"), ("Flooded", "is under water"), ("Dark", "is not lit"),
    ("Fallen", "fell down"), ("Cracked", "has a big crack"), ("Abandoned", "was left there"),
]
THINGS = [  # (thing, department, group, keywords)
    ("street light", "public-works", "Streets and sidewalks", ["streetlight", "lamp post", "light pole"]),
    ("sidewalk", "public-works", "Streets and sidewalks", ["walkway", "curb", "pavement"]),
    ("alley", "public-works", "Streets and sidewalks", ["back lane", "alleyway"]),
    ("storm drain", "water", "Water and sewer", ["catch basin", "street drain", "sewer grate"]),
    ("water meter", "water", "Water and sewer", ["meter", "water reading"]),
    ("fire hydrant", "water", "Water and sewer", ["hydrant", "plug"]),
    ("garbage cart", "solid-waste", "Garbage and recycling", ["trash bin", "garbage can", "black cart"]),
    ("recycling cart", "solid-waste", "Garbage and recycling", ["blue bin", "recycle can"]),
    ("litter basket", "solid-waste", "Garbage and recycling", ["public trash can", "street bin"]),
    ("traffic signal", "transportation", "Parking and traffic", ["stop light", "traffic light"]),
    ("parking meter", "transportation", "Parking and traffic", ["pay station", "meter"]),
    ("street sign", "transportation", "Parking and traffic", ["stop sign", "road sign"]),
    ("bus shelter", "transportation", "Parking and traffic", ["bus stop", "shelter"]),
    ("park bench", "parks", "Parks and trees", ["bench", "seat in the park"]),
    ("playground", "parks", "Parks and trees", ["play area", "swings", "slide"]),
    ("drinking fountain", "parks", "Parks and trees", ["water fountain", "bubbler"]),
    ("boulevard tree", "forestry", "Parks and trees", ["tree", "branch", "city tree"]),
    ("public toilet", "parks", "Parks and trees", ["restroom", "bathroom", "washroom"]),
    ("bike lane", "transportation", "Parking and traffic", ["bike path", "cycle lane"]),
    ("crosswalk", "transportation", "Parking and traffic", ["pedestrian crossing", "zebra"]),
    ("rental building", "regulatory-services", "Housing and property", ["apartment", "landlord"]),
    ("vacant house", "regulatory-services", "Housing and property", ["empty house", "boarded house"]),
    ("restaurant", "health", "Health and safety", ["cafe", "food truck", "diner"]),
    ("smoke alarm", "fire-prevention", "Health and safety", ["smoke detector", "fire alarm"]),
    ("library book drop", "libraries", "City services", ["book return", "library"]),
    ("polling place", "elections", "Voting and elections", ["voting site", "where to vote"]),
    ("stray dog", "animal-care", "Animals", ["loose dog", "dog running around"]),
    ("dead animal", "animal-care", "Animals", ["roadkill", "dead raccoon", "dead deer"]),
    ("utility bill", "finance", "Bills and payments", ["water bill", "sewer charge"]),
    ("building permit", "development", "Permits and licenses", ["permit", "construction permit"]),
]
PLACES = ["downtown", "in the North district", "in the South district", "in the East district",
          "in the West district", "near a school", "in a city park", "on a bridge",
          "on a bus route", "by the river", "at a city building", "in an alley",
          "on a county road", "near a hospital", "at the lake", "in the market district",
          "at a transit station", "on a bike trail", "in a parking ramp", "at the airport road"]
CHANNELS = ["online", "app", "phone", "text", "email", "tty", "in_person"]
SENTENCES = [
    "Crews check new reports every weekday morning and plan the work by how urgent it is.",
    "If it is dangerous right now, call 311 so a dispatcher can send someone today.",
    "Tell us the closest address or cross street, and what you see.",
    "A photo helps the crew bring the right tools and parts.",
    "You can follow your request online with the number we give you.",
    "Most repairs are done within the time shown below; bad weather can slow them down.",
    "We may need to reach you, so leave a phone number or an email address.",
    "Work on private property is the owner's job; we can tell you who to call.",
    "In winter some repairs are temporary and are finished in spring.",
    "If the same problem comes back within a month, say so when you report it.",
]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # kb refuses anchors and aliases: write every value out
        return True


def dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def channel(kind: str, sid: str) -> dict:
    extra = {"online": {"url": f"https://311.lakeside.example.gov/report/{sid}"},
             "app": {"url": "https://311.lakeside.example.gov/app"},
             "email": {"email": "311@lakeside.example.gov"},
             "in_person": {"address": "City Hall, 350 Main Street, Lakeside"}}
    return {"type": kind, **extra.get(kind, {})}


def services(n: int, rng: random.Random) -> list[dict]:
    combos = [(p, t, place) for place in PLACES for t in THINGS for p in PROBLEMS]
    rng.shuffle(combos)
    if n > len(combos):
        raise SystemExit(f"at most {len(combos)} services")
    out = []
    for i, ((problem, says), (thing, dept, group, words), place) in enumerate(combos[:n]):
        name = f"{problem} {thing} {place}"
        sid = slug(name)
        sentences = rng.sample(SENTENCES, 5)
        questions = [
            {"code": "location", "prompt": f"Where is the {thing}? Give an address or cross street.",
             "datatype": "string", "required": True},
            {"code": "how-bad", "prompt": "How bad is it?", "datatype": "singlevaluelist",
             "required": False, "values": [{"key": "minor", "name": "It can wait a few days"},
                                           {"key": "major", "name": "It needs a crew soon"},
                                           {"key": "danger", "name": "Someone could get hurt"}]},
            {"code": "details", "prompt": "Anything else the crew should know?", "datatype": "text",
             "required": False},
        ]
        out.append({"id": sid, "data": {
            "name": name,
            "department": dept,
            "group": group,
            "summary": f"Report a {thing} {place} that {says}, so the city can fix it.",
            "keywords": [f"{w} {says}" for w in words] + [f"{problem.lower()} {w}" for w in words],
            "description": (f"{sentences[0]} {sentences[1]}\n\n{sentences[2]}\n\n"
                            f"- {sentences[3]}\n- {sentences[4]}\n"),
            "request": {"channels": [channel(c, sid) for c in rng.sample(CHANNELS, 3)],
                        "questions": questions},
            "response_time": {"value": rng.choice([1, 2, 3, 5, 10]), "unit": "business_days"},
            "fees": "none",
            "eligibility": f"Anyone can report a {thing} in the city.",
            "related": [],
            "agent": {"script": f'"I can take that report. Where is the {thing}?"\n\n'
                                f'Ask: "Is anyone in danger right now?"\n',
                      "transfer": {"to": dept, "when": "the caller reports someone hurt"},
                      "notes": f"Repeat reports for the same {thing} go on the first request."},
            "owner": {"department": dept, "contact": f"{dept}@city.example.gov"},
            "review": {"last_reviewed": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "every_days": 365},
            "open311": {"code": str(1000 + i), "type": "realtime"},
        }})
    ids = [s["id"] for s in out]
    for s in out:
        s["data"]["related"] = sorted(set(rng.sample(ids, 3)) - {s["id"]})
    return out


def articles(n: int, svcs: list[dict], rng: random.Random) -> list[dict]:
    out = []
    for i in range(n):
        about = rng.sample(svcs, 2)
        first = about[0]["data"]
        agent_only = i % 10 == 9
        title = f"{'Call guide: ' if agent_only else ''}{first['name']}: questions and answers {i + 1}"
        body = [f"{rng.choice(SENTENCES)} {rng.choice(SENTENCES)}",
                "## What happens next",
                f"{rng.choice(SENTENCES)} See [{first['name']}](service:{about[0]['id']}).",
                "| When | What we do |\n|---|---|\n| Same day | We log the report |\n"
                "| Within a week | A crew fixes it |",
                "- " + "\n- ".join(rng.sample(SENTENCES, 3)),
                '!!! say\n    "Thank you for calling. I can help with that."',
                '!!! ask\n    "What is the closest address?"',
                "## Good to know", rng.choice(SENTENCES)]
        front = {"title": title, "summary": first["summary"],
                 "services": [a["id"] for a in about], "audience": "agent" if agent_only else "both",
                 "keywords": first["keywords"][:3],
                 "owner": {"department": first["department"], "contact": "kb@city.example.gov"},
                 "review": {"last_reviewed": f"2026-{1 + i % 12:02d}-15", "every_days": 365}}
        out.append({"id": f"answer-{i + 1:05d}", "text": "---\n" + dump(front) + "---\n"
                    + "\n\n".join(body) + "\n"})
    return out


def department(dept_id: str, name: str, kind: str, handles: str, i: int) -> dict:
    day = ["07:30-16:30"] if i % 3 else ["08:00-12:00", "13:00-17:00"]
    data = {"name": name, "kind": kind, "description": f"Handles {handles}.",
            "phone": f"612-555-{100 + i:04d}", "email": f"{dept_id}@city.example.gov",
            "url": f"https://www.city.example.gov/{dept_id}",
            "hours": {**{d: day for d in ("mon", "tue", "wed", "thu", "fri")},
                      "sat": closed_or(i), "sun": "closed", "holidays": "closed"},
            "agent": {"transfer_line": f"612-555-{200 + i:04d}",
                      "notes": "Supervisors take escalations until 4 p.m."}}
    if kind == "partner":
        data["jurisdiction"] = [handles]
        data["hours"] = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    else:
        data["owner"] = {"department": dept_id, "contact": f"{dept_id}@city.example.gov"}
        data["review"] = {"last_reviewed": "2026-06-01", "every_days": 365}
    if i % 4 == 0:
        data["agent"]["after_hours_line"] = f"612-555-{300 + i:04d}"
    return data


def closed_or(i: int):
    return ["09:00-12:00"] if i % 5 == 0 else "closed"


MKDOCS_YML = """\
site_name: Lakeside 311
site_url: https://311.lakeside.example.gov/
theme:
  name: material
  font: false
  features: [navigation.instant, navigation.top, search.suggest, search.highlight]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: indigo
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: indigo
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
extra:
  kb:
    city: Lakeside
    timezone: America/Chicago
    currency: USD
    phones: {main: "311", outside: "+1 612-555-0311", tty: "612-555-0312", text: "612-555-0313", interpreter: "612-555-0314"}
    languages:
"""

CALENDAR = """\
holidays:
  - {date: 2026-01-01, name: New Year's Day}
  - {date: 2026-05-25, name: Memorial Day}
  - {date: 2026-07-03, name: Independence Day (observed)}
  - {date: 2026-09-07, name: Labor Day}
  - {date: 2026-11-26, name: Thanksgiving Day}
  - {date: 2026-12-25, name: Christmas Day}
"""


def write_tree(out: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    for sub in ("catalog/departments", "catalog/services", "catalog/alerts", "articles", "translations"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    langs = "".join(f"      - {{code: {code}, name: {name}}}\n" for code, name in LANGUAGES)
    (out / "mkdocs.yml").write_text(MKDOCS_YML + langs, "utf-8")
    (out / "catalog" / "calendar.yaml").write_text(CALENDAR, "utf-8")
    for i, (dept_id, name, kind, handles) in enumerate(DEPARTMENTS):
        (out / "catalog" / "departments" / f"{dept_id}.yaml").write_text(
            dump(department(dept_id, name, kind, handles, i)), "utf-8")
    svcs = services(n, rng)
    for s in svcs:
        (out / "catalog" / "services" / f"{s['id']}.yaml").write_text(dump(s["data"]), "utf-8")
    for a in articles(n // 2, svcs, rng):
        (out / "articles" / f"{a['id']}.md").write_text(a["text"], "utf-8")
    (out / "catalog" / "alerts" / "snow.yaml").write_text(dump({
        "title": "Snow emergency", "message": "Plows are out. **Do not park** on snow routes.",
        "starts": "2026-12-01T18:00:00-06:00", "ends": "2026-12-04T20:00:00-06:00",
        "services": [svcs[0]["id"]], "audience": "both"}), "utf-8")
    (out / "catalog" / "alerts" / "crm.yaml").write_text(dump({
        "title": "CRM slow", "message": "Take reports on paper when a request does not save.",
        "starts": "2026-12-01T07:00:00-06:00", "ends": "2026-12-01T19:00:00-06:00",
        "audience": "agent"}), "utf-8")


# --- translations ---------------------------------------------------------------------------------

_KEEP = re.compile(r"\]\([^)]*\)|%\([^)]*\)[sd]|%[sd]|\{[^}]*\}|https?://\S+|<[^>]+>|&\w+;|"
                   r"^\s*(?:!!!|\?\?\?)\s*\w+|^#+|^\s*[-*|]|\|")
_WORD = re.compile(r"[A-Za-z]+")
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def pseudo(text: str, lang: str) -> str:
    """A made-up translation of the same shape: markup, links and placeholders kept."""
    def word(w: str) -> str:
        if lang == "ar":
            return "".join(ARABIC[(ord(c.lower()) - 97) % len(ARABIC)] for c in w)
        shift = {"es": 1, "fr": 2, "so": 3}[lang]
        vowels = "aeiou"
        return "".join(vowels[(vowels.index(c.lower()) + shift) % 5] if c.lower() in vowels else c
                       for c in w)

    out, pos = [], 0
    for m in _KEEP.finditer(text):
        out.append(_WORD.sub(lambda w: word(w.group(0)), text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_WORD.sub(lambda w: word(w.group(0)), text[pos:]))
    return "".join(out)


def translate(out: Path, share: float, seed: int) -> None:
    """Start every language with kb and translate about `share` of each PO file's messages."""
    from babel.messages.pofile import read_po

    sys.path.insert(0, str(REPO))
    from generator.i18n import catalog

    kb = [sys.executable, "-m", "generator"]
    subprocess.run(kb + ["i18n", "extract", "--root", str(out)], check=True, capture_output=True)
    for code, _ in LANGUAGES[1:]:
        subprocess.run(kb + ["i18n", "init", code, "--root", str(out)], check=True, capture_output=True)
        path = out / "translations" / f"{code}.po"
        with path.open("rb") as fh:
            cat = read_po(fh)
        rng = random.Random(f"{seed}-{code}")
        for msg in cat:
            if not msg.id or rng.random() >= share:
                continue
            if isinstance(msg.id, tuple):
                msg.string = tuple(pseudo(msg.id[min(i, 1)], code) for i in range(cat.num_plurals))
            else:
                msg.string = pseudo(msg.id, code)
        path.write_bytes(catalog.render(cat))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of services")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "catalog")
    ap.add_argument("--translated", type=float, default=0.8, help="share of messages translated")
    ap.add_argument("--seed", type=int, default=311)
    args = ap.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        raise SystemExit(f"{args.out}: not empty; give an empty or new folder with --out")
    write_tree(args.out, args.n, args.seed)
    translate(args.out, args.translated, args.seed)
    print(f"{args.out}: {args.n} services, {args.n // 2} articles, {len(DEPARTMENTS)} departments, "
          f"{len(LANGUAGES)} languages")
    return 0


if __name__ == "__main__":
    sys.exit(main())

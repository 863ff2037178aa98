"""The feedback report as text, JSON or HTML. In HTML everything that came from an event (a
query, a note) or from the content is escaped: a note cannot put markup into the report."""

from __future__ import annotations

import json
from html import escape

MAX_NOTES = 10  # in the text report, per page or group of searches (all of them in JSON and HTML)
SECTIONS = [
    ("searches_found_nothing", "Searches that found nothing"),
    ("searches_not_opened", "Searches whose results nobody opened"),
    ("nothing_fits", "Agents: nothing fits"),
    ("unhelpful_pages", "Pages voted unhelpful"),
    ("wrong_or_out_of_date", "Agents: wrong or out of date"),
]


def _dept_title(d: dict) -> str:
    if d["department"] is None:
        return "Not matched to any content (for the contact centre to route)"
    return f"{d['name']} ({d['department']})"


def _where(place: dict | None) -> str:
    return f"{place['file']}:{place['line']}" if place and place.get("file") else "no file"


def _search_line(e: dict) -> str:
    queries = "; ".join(f"{q['query']!r} x{q['count']}" for q in e["queries"][:5])
    near = e["nearest"]
    to = f" -> nearest: {near['title']} ({_where(near)}: add the words to its keywords if it fits)" if near else ""
    return f"{e['count']:>4}  [{e['lang']}, {e['audience']}] {queries}{to}"


def _page_line(e: dict) -> str:
    counts = (f"{e['helpful_no']} no, {e['helpful_yes']} yes" if "helpful_no" in e
              else f"{e['count']} report{'s' if e['count'] != 1 else ''}")
    return f"{e['title']} ({e['page']['kind']} {e['page']['id']}): {counts}; edit {_where(e)}"


def as_text(report: dict) -> str:
    lines = [f"{report['events']} events, {report['searches']} searches."]
    if not report["departments"]:
        lines.append("Nothing to report.")
    for d in report["departments"]:
        lines += ["", _dept_title(d)]
        for key, title in SECTIONS:
            if not d[key]:
                continue
            lines.append(f"  {title}:")
            for e in d[key]:
                lines.append("    " + (_page_line(e) if "page" in e else _search_line(e)))
                for note in e.get("notes", [])[:MAX_NOTES]:
                    times = f" (x{note['count']})" if note["count"] > 1 else ""
                    lines.append(f"        note{times}: {' '.join(note['note'].split())}")
                if len(e.get("notes", [])) > MAX_NOTES:
                    lines.append(f"        ... {len(e['notes']) - MAX_NOTES} more notes (--format json)")
    if report["unknown_words"]:
        lines += ["", "Words callers use that match no content and no thesaurus term "
                      "(candidates for keywords or catalog/thesaurus.yaml):"]
        for w in report["unknown_words"]:
            lines.append(f"  {w['word']} [{w['lang']}] x{w['count']}, as in {w['example']!r}")
    r = report["recall"]
    lines += ["", f"Recall on {r['searches']} logged searches whose result was opened: "
              + (f"recall@1 {r['recall_at_1']:.3f}, recall@5 {r['recall_at_5']:.3f}, MRR {r['mrr']:.3f}"
                 if r["searches"] else "no such searches yet")]
    return "\n".join(lines)


def as_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True)


def _h(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def as_html(report: dict) -> str:
    out = ['<!doctype html>', '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="robots" content="noindex">',
           "<title>Feedback report</title>",
           "<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
           "line-height:1.45}code{background:#f3f3f3;padding:0 .2em}.note{color:#333;margin:.2em 0 .2em 1.5em}"
           "</style></head><body>",
           "<h1>Feedback report</h1>",
           f"<p>{_h(report['events'])} events, {_h(report['searches'])} searches.</p>"]
    for d in report["departments"]:
        out.append(f"<section><h2>{_h(_dept_title(d))}</h2>")
        for key, title in SECTIONS:
            if not d[key]:
                continue
            out.append(f"<h3>{_h(title)}</h3><ul>")
            for e in d[key]:
                if "page" in e:
                    out.append(f"<li>{_h(_page_line(e))}")
                else:
                    out.append(f"<li>{_h(_search_line(e))}")
                for note in e.get("notes", []):
                    times = f" (x{note['count']})" if note["count"] > 1 else ""
                    out.append(f'<p class="note" lang="{_h(note["lang"])}">{_h(note["note"])}{times}</p>')
                out.append("</li>")
            out.append("</ul>")
        out.append("</section>")
    if report["unknown_words"]:
        out.append("<h2>Words that match no content and no thesaurus term</h2><ul>")
        for w in report["unknown_words"]:
            out.append(f"<li><code>{_h(w['word'])}</code> [{_h(w['lang'])}] x{_h(w['count'])}, "
                       f"as in {_h(w['example'])}</li>")
        out.append("</ul>")
    r = report["recall"]
    out.append(f"<h2>Recall</h2><p>{_h(r['searches'])} logged searches whose result was opened"
               + (f": recall@1 {_h(r['recall_at_1'])}, recall@5 {_h(r['recall_at_5'])}, "
                  f"MRR {_h(r['mrr'])}" if r["searches"] else "") + ".</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"

"""Markdown into translatable units and back: one message per paragraph, list item, heading,
table cell, admonition title, block quote or definition, so a translator never edits Markdown
structure (markers, indentation, fences, attribute lists, HTML wrapper lines).

``split(text)`` returns the text as a list of lines, each a list of tokens: a ``str`` is structure
that is copied as it is, a ``Msg`` is a translatable unit (its ``line`` is 0-based within the text).
A paragraph's lines become one message (joined with spaces). ``join(lines, tr)`` puts the text
back together, with ``tr(msg)`` giving what to write for each message.

Agent-only admonitions (``!!! say`` and friends) are internal: their lines are structure here,
never messages, so they never reach a PO file (which often goes to outside translators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from generator.pipeline.markup import AGENT_BLOCKS


@dataclass(frozen=True)
class Msg:
    text: str
    line: int  # 0-based line of the unit's first line in the text


Line = list  # list[str | Msg]

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_HTML_LINE = re.compile(r"^\s*(</?[A-Za-z][^<>]*>\s*)+$|^\s*<!--.*-->\s*$")
_ATTR_LINE = re.compile(r"^\s*\{:?[^}]*\}\s*$")
_HEADING = re.compile(r"^(\s*#{1,6}[ \t]+)(.*?)([ \t]*\{:?[^}]*\})?([ \t]*#*[ \t]*)$")
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_ADMONITION = re.compile(r'^(\s*(?:!!!|\?\?\?\+?)[ \t]+)([A-Za-z][\w-]*)((?:[ \t]+[A-Za-z][\w-]*)*)([ \t]*)(?:"(.*)")?[ \t]*$')
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+)(?:(\[[ xX]\])[ \t]+)?(.*)$")
_QUOTE = re.compile(r"^(\s*(?:>[ \t]?)+)(.*)$")
_DEF = re.compile(r"^(\s*:[ \t]+)(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_LETTER = re.compile(r"[^\W\d_]")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t").replace("\t", "    ")) if line.strip() else 0


def _is_block_start(line: str) -> bool:
    return bool(_FENCE.match(line) or _HTML_LINE.match(line) or _ATTR_LINE.match(line)
                or _HEADING.match(line) or _HR.match(line) or _ADMONITION.match(line)
                or _ITEM.match(line) or _QUOTE.match(line) or _DEF.match(line)
                or line.lstrip().startswith("|"))


def translatable(text: str) -> bool:
    """A unit worth translating: it has a letter in it (not a number, a rule or a symbol)."""
    return bool(_LETTER.search(text))


def _unit(prefix: str, text: str, suffix: str, line: int) -> Line:
    text = text.strip()
    if not translatable(text):
        return [prefix + text + suffix]
    return [prefix, Msg(text, line), suffix]


def _cells(row: str, line: int) -> Line:
    """A table row: pipes and spacing are structure, each cell a message."""
    out: Line = []
    parts = re.split(r"(?<!\\)(\|)", row)
    for part in parts:
        if part == "|" or not part.strip():
            out.append(part)
            continue
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()):]
        out.extend(_unit(lead, part.strip(), trail, line))
    return out


def split(text: str) -> list[Line]:
    lines = text.split("\n")
    out: list[Line] = []
    i = 0
    skip_indent: int | None = None  # inside an agent-only admonition deeper than this indent
    in_table = False
    while i < len(lines):
        raw = lines[i]
        if skip_indent is not None:
            if not raw.strip() or _indent(raw) > skip_indent:
                out.append([raw])
                i += 1
                continue
            skip_indent = None
        if not raw.strip():
            out.append([raw])
            in_table = False
            i += 1
            continue
        fence = _FENCE.match(raw)
        if fence:  # code: copied as it is, up to the closing fence
            out.append([raw])
            i += 1
            mark = fence.group(2)
            while i < len(lines):
                out.append([lines[i]])
                if lines[i].strip().startswith(mark[0] * len(mark)):
                    i += 1
                    break
                i += 1
            continue
        if _HTML_LINE.match(raw) or _ATTR_LINE.match(raw) or _HR.match(raw) or _TABLE_SEP.match(raw) \
                and ("|" in raw or in_table):
            if _TABLE_SEP.match(raw) and "|" in raw:
                in_table = True
            out.append([raw])
            i += 1
            continue
        adm = _ADMONITION.match(raw)
        if adm:
            head = adm.group(1) + adm.group(2) + adm.group(3) + adm.group(4)
            if adm.group(2).lower() in AGENT_BLOCKS:
                out.append([raw])
                skip_indent = _indent(raw)
            elif adm.group(5) is not None and translatable(adm.group(5)):
                out.append([head + '"', Msg(adm.group(5), i), '"'])
            else:
                out.append([raw])
            i += 1
            continue
        heading = _HEADING.match(raw)
        if heading:
            out.append(_unit(heading.group(1), heading.group(2),
                             (heading.group(3) or "") + heading.group(4), i))
            i += 1
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if in_table or raw.lstrip().startswith("|") or ("|" in raw and _TABLE_SEP.match(nxt)
                                                          and "-" in nxt):
            in_table = True
            out.append(_cells(raw, i))
            i += 1
            continue
        m = _ITEM.match(raw)
        if m:
            prefix = m.group(1) + (m.group(2) + " " if m.group(2) else "")
            first = m.group(3)
        else:
            m = _QUOTE.match(raw) or _DEF.match(raw)
            if m:
                prefix, first = m.group(1), m.group(2)
            else:
                prefix, first = raw[: len(raw) - len(raw.lstrip())], raw.strip()
        start = i
        parts = [first.strip()]
        i += 1
        quote = prefix.lstrip().startswith(">")
        while i < len(lines) and lines[i].strip():
            nxt = lines[i]
            qm = _QUOTE.match(nxt)
            if quote and qm and qm.group(1).strip() == prefix.strip() and not _is_block_start(qm.group(2)):
                parts.append(qm.group(2).strip())
            elif not _is_block_start(nxt):
                parts.append(nxt.strip())
            else:
                break
            i += 1
        out.append(_unit(prefix, " ".join(p for p in parts if p), "", start))
    return out


def messages(text: str) -> list[Msg]:
    return [t for line in split(text) for t in line if isinstance(t, Msg)]


def join(lines: list[Line], tr: Callable[[Msg], str]) -> str:
    return "\n".join("".join(t if isinstance(t, str) else tr(t) for t in line) for line in lines)

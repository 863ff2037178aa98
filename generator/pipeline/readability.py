"""Plain language, measured: how hard each resident-facing text is to read, and where.

The texts: a service's summary, description, eligibility, fees and question prompts; a
department's description; an answer's summary, body (without its agent-only blocks) and the
questions and outcomes of its flow. Agent-only answers are not measured. They are measured in the
source language (the first of ``extra.kb.languages``), with that language's formula:

- en: Flesch-Kincaid grade = 0.39 x words/sentences + 11.8 x syllables/words - 15.59
  (a US school grade; lower is easier);
- es: Szigriszt-Pazos perspicuity = 206.835 - 62.3 x syllables/words - words/sentences
  (0 to 100, higher is easier; the INFLESZ scale calls 55 to 65 "normal");
- fr: Kandel-Moles = 207 - 1.015 x words/sentences - 73.6 x syllables/words
  (Flesch's scale adapted to French: 0 to 100, higher is easier).

Other languages (Somali, Hmong, Arabic...) have no formula here: their texts are checked for
long sentences and for the city's own jargon list only. Syllables are counted by rule (groups of
vowels, with each language's silent letters and vowel pairs), an estimate that is right for most
everyday words; a number counts as one word of one syllable. Texts shorter than ``min_words``
words get no score (a formula says little about one short sentence), but every text is checked
for sentences over ``max_sentence_words`` words and for jargon.

Problems are warnings (errors with ``--strict``) at the text's own file and line. A document
that must keep its wording says why in ``readability: {waive: "reason"}``: its texts are then not
reported by ``kb check``, and ``kb review --readability`` lists it with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from generator.errors import WARNING, Problems
from generator.pipeline.load import Doc, Tree, field_name
from generator.pipeline.markup import split_agent_blocks
from generator.pipeline.reviews import owner_of

MAX_SENTENCE_WORDS = 25
MIN_WORDS = 30


@dataclass(frozen=True)
class Formula:
    name: str
    setting: str  # max_grade | min_ease
    default: float
    scale: str

    def score(self, words: int, sentences: int, syllables: int) -> float:
        wps, spw = words / max(sentences, 1), syllables / max(words, 1)
        if self.setting == "max_grade":
            return 0.39 * wps + 11.8 * spw - 15.59
        if self.name.startswith("Szigriszt"):
            return 206.835 - 62.3 * spw - wps
        return 207 - 1.015 * wps - 73.6 * spw

    def misses(self, score: float, target: float) -> bool:
        return score > target if self.setting == "max_grade" else score < target


FORMULAS = {
    "en": Formula("Flesch-Kincaid grade", "max_grade", 8, "a US school grade; lower is easier"),
    "es": Formula("Szigriszt-Pazos perspicuity", "min_ease", 55, "0 to 100; higher is easier"),
    "fr": Formula("Kandel-Moles ease", "min_ease", 60, "0 to 100; higher is easier"),
}


def base_lang(code: str) -> str:
    return code.split("-")[0].lower()


# --- counting ----------------------------------------------------------------------------------

WORD_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:['’.,-][^\W_]+)*")  # 'a.m.' and '1,000' are one
_ALNUM = re.compile(r"[^\W_]")
_SPLIT_RE = re.compile(r"[.!?؟。]+[\"'”’)\]]*\s+")


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) of a text: a sentence ends at . ! or ? followed by a space and a letter
    that is not lower case ('7 a.m. to 7 p.m.' is one sentence)."""
    out, start = [], 0
    for m in _SPLIT_RE.finditer(text):
        nxt = text[m.end():m.end() + 1]
        if nxt and nxt.islower():
            continue
        out.append((start, text[start:m.end()].strip()))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:].strip()))
    return [(o + len(s) - len(s.lstrip()), s) for o, s in out if _ALNUM.search(s)]


_DIGIT = re.compile(r"\d")
_EN_VOWELS = re.compile(r"[aeiouy]+")
_ES_WEAK = set("iuü")
_ES_VOWELS = re.compile(r"[aeiouáéíóúü]+|y(?![aeiouáéíóú])")
_FR_VOWELS = re.compile(r"[aeiouyàâäéèêëîïôöùûüœæ]+")


@lru_cache(maxsize=65536)  # everyday words come back again and again
def syllables(word: str, lang: str) -> int:
    """An estimate of a word's syllables, by rule (see the module's docstring)."""
    w = word.lower().replace("’", "'")
    if _DIGIT.search(w):
        return 1
    lang = base_lang(lang)
    if lang == "es":
        count = 0
        for group in _ES_VOWELS.findall(w):
            count += 1 + sum(1 for a, b in zip(group, group[1:])
                             if a not in _ES_WEAK and b not in _ES_WEAK)
        return max(count, 1)
    if lang == "fr":
        groups = _FR_VOWELS.findall(w)
        if len(groups) > 1 and re.search(r"[^aeiouyéèêà]e?s?$", w) and re.search(r"es?$", w):
            groups = groups[:-1]  # the silent final e of 'poubelle', 'collectes'
        return max(len(groups), 1)
    w = re.sub(r"[^a-z]", "", w)
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|[^laeiouytd]ed|[^laeiouy]e)$", "", w)  # silent endings
    w = re.sub(r"^y", "", w)
    return max(len(_EN_VOWELS.findall(w)), 1)


@dataclass(frozen=True)
class Counts:
    words: int
    sentences: int
    syllables: int


def count(text: str, lang: str) -> Counts:
    found = sentences(text)
    ws = [w for _, s in found for w in words(s)]
    return Counts(len(ws), len(found), sum(syllables(w, lang) for w in ws))


# --- jargon ------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def builtin_jargon(lang: str) -> tuple[tuple[str, str], ...]:
    """(term, plainer words) from generator/data/jargon/<lang>.txt: one 'term = plainer' a line."""
    item = resources.files("generator") / "data" / "jargon" / f"{base_lang(lang)}.txt"
    if not item.is_file():
        return ()
    out = []
    for line in item.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            term, _, plain = line.partition("=")
            out.append((term.strip(), plain.strip()))
    return tuple(out)


@lru_cache(maxsize=16)
def _jargon_re(terms: tuple[str, ...]) -> re.Pattern | None:
    if not terms:
        return None
    alts = sorted({re.escape(t.lower()) for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.IGNORECASE)


# --- settings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    lang: str
    formula: Formula | None
    target: float | None
    max_sentence_words: int
    min_words: int
    jargon: tuple[tuple[str, str], ...]

    @property
    def jargon_re(self) -> re.Pattern | None:
        return _jargon_re(tuple(t for t, _ in self.jargon))

    def plainer(self, term: str) -> str:
        return next((p for t, p in self.jargon if t.lower() == term.lower()), "")


def settings(kb: dict, lang: str) -> Settings:
    """The settings for texts in `lang` from extra.kb (validated by the config schema)."""
    conf = kb.get("readability") or {}
    own = conf.get(lang) or conf.get(base_lang(lang)) or {}
    formula = FORMULAS.get(base_lang(lang))
    target = own.get(formula.setting, formula.default) if formula else None
    extra = tuple((str(t), "") for t in own.get("jargon") or ())
    return Settings(lang, formula, target,
                    own.get("max_sentence_words", conf.get("max_sentence_words", MAX_SENTENCE_WORDS)),
                    conf.get("min_words", MIN_WORDS), builtin_jargon(lang) + extra)


def check_settings(config: Doc, kb: dict, problems: Problems) -> None:
    """A language's target that its formula does not have (max_grade for Spanish...)."""
    for code, own in (kb.get("readability") or {}).items():
        if not isinstance(own, dict):
            continue
        formula = FORMULAS.get(base_lang(code))
        for key in ("max_grade", "min_ease"):
            if key not in own or (formula and formula.setting == key):
                continue
            path = ("extra", "kb", "readability", code, key)
            line, col = config.key_pos(path)
            if formula:
                fix = f"set {formula.setting} instead ({formula.scale})"
                what = f"'{code}' is measured with {formula.name} ({formula.scale})"
            else:
                fix = "remove it; long sentences and jargon are still checked"
                what = f"'{code}' has no readability formula in kb"
            problems.add(config.path, line, col, field_name(path), f"{what}: {fix}")


# --- the texts of a document -------------------------------------------------------------------

@dataclass
class Text:
    """One resident-facing text and the file line of each of its lines."""

    field: tuple
    lines: list[tuple[int, int, str]]  # (line, col, text) in reading order; "" ends a block

    def plain(self) -> str:
        return "\n".join(t for _, _, t in self.lines)


_MD_LINE = [  # what Markdown adds to a line, to leave the words
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"`[^`]*`"), " "),
    (re.compile(r"<[^>]+>"), " "),
    (re.compile(r"\{[:.#][^}]*\}"), " "),
    (re.compile(r"(\*\*|__|\*|_(?=\w)|(?<=\w)_|~~)"), ""),
]
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|\|)")
_ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s+\S+(?:\s+"([^"]*)")?\s*$')


def _markdown_lines(body: str, first_line: int) -> list[tuple[int, int, str]]:
    """The words of a Markdown text, line by line; a block (heading, list item, table row,
    paragraph) ends with an empty entry, so that it is a sentence of its own."""
    out: list[tuple[int, int, str]] = []
    fenced = False
    for i, raw in enumerate(body.split("\n")):
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or not stripped:
            out.append((first_line + i, 1, ""))
            continue
        m = _ADMONITION.match(raw)
        if m:
            out += [(first_line + i, 1, ""), (first_line + i, 1, m.group(1) or ""),
                    (first_line + i, 1, "")]
            continue
        if _BLOCK_START.match(raw):
            out.append((first_line + i, 1, ""))
        text = re.sub(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)", "", raw)
        for pattern, repl in _MD_LINE:
            text = pattern.sub(repl, text)
        text = text.replace("|", " ").strip()
        if re.fullmatch(r"[-:\s]*", text):
            text = ""
        out.append((first_line + i, len(raw) - len(raw.lstrip()) + 1, text))
        if raw.rstrip().startswith("|") or raw.lstrip().startswith("#"):
            out.append((first_line + i, 1, ""))
    return out


def _yaml_text(doc: Doc, path: tuple, value: str, source: list[str] | None,
               markdown: bool) -> Text:
    line, col = doc.pos(path)
    raw = source[line - 1][col - 1:] if source and 0 < line <= len(source) else ""
    if raw.startswith("|") and markdown:  # a literal block: its lines are the file's lines
        first = source[line] if line < len(source) else ""
        indent = len(first) - len(first.lstrip())
        return Text(path, [(ln, c + indent, t) for ln, c, t in _markdown_lines(value, line + 1)])
    if raw.startswith(("|", ">")):
        line += 1
    text = re.sub(r"\s+", " ", value)
    if markdown:
        return Text(path, [(line, col, t) for _, _, t in _markdown_lines(text, line)])
    return Text(path, [(line, col, text)])


def texts(doc: Doc, source: list[str] | None) -> list[Text]:
    """The resident-facing texts of a document (none for agent-only answers and other kinds)."""
    d = doc.data if isinstance(doc.data, dict) else {}
    out: list[Text] = []

    def add(path: tuple, markdown: bool = False) -> None:
        value = doc.get(path)
        if isinstance(value, str) and value.strip():
            out.append(_yaml_text(doc, path, value, source, markdown))

    if doc.kind == "service":
        add(("summary",))
        add(("description",), markdown=True)
        add(("eligibility",))
        if str(d.get("fees", "")).strip().lower() != "none":
            add(("fees",))
        for i, _ in enumerate(doc.get(("request", "questions")) or ()):
            add(("request", "questions", i, "prompt"))
    elif doc.kind == "department":
        add(("description",))
    elif doc.kind == "article" and d.get("audience", "both") != "agent":
        add(("summary",))
        marked = "\n".join(f"{line}\x00{i}" if line.strip() else line
                           for i, line in enumerate(doc.body.split("\n")))
        public = split_agent_blocks(marked)  # the agent-only blocks go; the rest keep their lines
        lines = [""] * len(doc.body.split("\n"))
        for line in public.split("\n"):
            if "\x00" in line:
                text, _, i = line.rpartition("\x00")
                lines[int(i)] = text
        out.append(Text(("body",), _markdown_lines("\n".join(lines), doc.body_line)))
        for sid, step in ((d.get("flow") or {}).get("steps") or {}).items():
            for key in ("ask", "outcome"):
                add(("flow", "steps", sid, key))
    return out


# --- measuring ---------------------------------------------------------------------------------

@dataclass
class Finding:
    field: tuple
    line: int
    col: int
    message: str


@dataclass
class Result:
    """What was found in one document."""

    doc: Doc
    score: float | None = None  # the hardest scored text's score
    words: int = 0
    findings: list[Finding] = field(default_factory=list)
    waiver: str | None = None


def _sentences_with_lines(text: Text) -> list[tuple[int, int, str]]:
    """(line, col, sentence) of a text: blocks split at their empty entries, then sentences."""
    out = []
    block: list[tuple[int, int, str]] = []

    def flush():
        joined, starts, pos = "", [], 0
        for line, col, t in block:
            starts.append((pos, line, col))
            joined += t + " "
            pos = len(joined)
        for offset, sentence in sentences(joined):
            p, line, col = next(s for s in reversed(starts) if s[0] <= offset)
            out.append((line, col + offset - p, sentence))
        block.clear()

    for entry in text.lines:
        if entry[2]:
            block.append(entry)
        else:
            flush()
    flush()
    return out


def measure(doc: Doc, config: Settings, source: list[str] | None) -> Result:
    result = Result(doc, waiver=doc.get(("readability", "waive")))
    jargon = config.jargon_re
    for text in texts(doc, source):
        found = _sentences_with_lines(text)
        all_words: list[str] = []
        for line, col, sentence in found:
            ws = words(sentence)
            all_words += ws
            n = len(ws)
            if n > config.max_sentence_words:
                start = " ".join(ws[:6])
                result.findings.append(Finding(text.field, line, col, (
                    f"a sentence of {n} words ('{start} ...'); keep sentences to "
                    f"{config.max_sentence_words} words or fewer "
                    "(extra.kb.readability.max_sentence_words)")))
            for m in jargon.finditer(sentence) if jargon else ():
                plainer = config.plainer(m.group(0))
                result.findings.append(Finding(text.field, line, col, (
                    f"'{m.group(0)}' is on the {config.lang} jargon list; "
                    + (f"say '{plainer}'" if plainer else "use an everyday word"))))
        result.words += len(all_words)
        if config.formula is None or len(all_words) < config.min_words:
            continue
        c = Counts(len(all_words), len(found), sum(syllables(w, config.lang) for w in all_words))
        score = config.formula.score(c.words, c.sentences, c.syllables)
        if result.score is None or config.formula.misses(score, result.score):
            result.score = score
        if config.formula.misses(score, config.target):
            line, col, _ = next((e for e in text.lines if e[2]), text.lines[0])
            bound = "or lower" if config.formula.setting == "max_grade" else "or higher"
            result.findings.append(Finding(text.field, line, col, (
                f"{config.formula.name} {score:.1f} ({config.formula.scale}); the target is "
                f"{config.target:g} {bound} (extra.kb.readability.{config.lang}."
                f"{config.formula.setting}): use shorter sentences and everyday words, or add "
                "readability: {waive: \"why this wording must stay\"}")))
    return result


def measure_tree(tree: Tree, docs: list[Doc] | None = None) -> list[Result]:
    """Every measured document of the tree (or of `docs`), in the source language."""
    kb = tree.config.get(("extra", "kb")) if tree.config else None
    if not isinstance(kb, dict) or not kb.get("languages"):
        return []
    config = settings(kb, str(kb["languages"][0]["code"]))
    out = []
    for doc in tree.docs if docs is None else docs:
        if doc.kind not in ("service", "department", "article") or not isinstance(doc.data, dict):
            continue
        source = _source(Path(tree.root) / doc.path)
        result = measure(doc, config, source)
        if result.words:
            out.append(result)
    return out


def _source(path: Path) -> list[str] | None:
    try:
        return path.read_text("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None


def check(tree: Tree, docs: list[Doc], problems: Problems) -> None:
    """Readability warnings at each text's own line; a waiver's document has none."""
    kb = tree.config.get(("extra", "kb")) if tree.config else None
    if isinstance(kb, dict):
        check_settings(tree.config, kb, problems)
    for result in measure_tree(tree, docs):
        doc = result.doc
        if result.waiver is not None:
            if not result.findings:
                line, col = doc.pos(("readability", "waive"))
                problems.add(doc.path, line, col, "readability.waive", "the texts meet the "
                             "readability targets now; remove the waiver", WARNING)
            continue
        for f in result.findings:
            problems.add(doc.path, f.line, f.col, field_name(f.field), f.message, WARNING)


# --- kb review --readability -------------------------------------------------------------------

def report(tree: Tree) -> dict:
    """Every measured page by owner, hardest first: its score, what was found, any waiver."""

    kb = tree.config.get(("extra", "kb")) if tree.config else {}
    lang = str(kb["languages"][0]["code"])
    config = settings(kb, lang)
    results = measure_tree(tree)

    def hardness(r: Result) -> float:
        if r.score is None:
            return float("-inf")
        return r.score if config.formula.setting == "max_grade" else -r.score

    owners: dict[str | None, list[dict]] = {}
    for r in sorted(results, key=lambda r: (-hardness(r), -len(r.findings), r.doc.path)):
        owner, _ = owner_of(r.doc)
        title = r.doc.get(("title",)) if r.doc.kind == "article" else r.doc.get(("name",))
        owners.setdefault(owner, []).append({
            "kind": r.doc.kind, "id": r.doc.id, "path": r.doc.path, "title": str(title or r.doc.id),
            "score": None if r.score is None else round(r.score, 1), "words": r.words,
            "meets_target": not r.findings, "waiver": r.waiver,
            "findings": [{"line": f.line, "col": f.col, "field": field_name(f.field),
                          "message": f.message} for f in r.findings]})
    return {"lang": lang,
            "formula": config.formula.name if config.formula else None,
            "setting": config.formula.setting if config.formula else None,
            "target": config.target, "max_sentence_words": config.max_sentence_words,
            "owners": [{"owner": o, "items": items} for o, items in
                       sorted(owners.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]}


def format_report(rep: dict) -> str:
    lines = []
    if rep["formula"]:
        bound = "at most" if rep["setting"] == "max_grade" else "at least"
        lines.append(f"{rep['formula']} of each page's hardest text ({rep['lang']}; target: "
                     f"{bound} {rep['target']:g}); sentences over {rep['max_sentence_words']} words"
                     " and jargon are counted.")
    else:
        lines.append(f"No readability formula for '{rep['lang']}': long sentences (over "
                     f"{rep['max_sentence_words']} words) and jargon only.")
    for group in rep["owners"]:
        lines += ["", group["owner"] or "No owner"]
        for i in group["items"]:
            score = "-" if i["score"] is None else f"{i['score']:.1f}"
            state = ("waived: " + i["waiver"] if i["waiver"] is not None
                     else "ok" if i["meets_target"] else
                     f"{len(i['findings'])} problem{'s' if len(i['findings']) != 1 else ''}")
            lines.append(f"  {score:>5}  {i['path']}: {i['title']} ({state})")
    return "\n".join(lines)

"""What a change does to the published catalog (`kb diff REF`), for reviewers who do not read YAML.

The content at REF (a commit, branch or tag) is read out of git into a temporary folder and loaded
with the same loader as the working tree; the two are compared as documents, not as text:
services, answers and departments added, changed or removed, which fields changed and whether
residents see them (public) or only agents; per language, the title in that language, the
changes made by translators alone, and the translations the change made stale (a changed text
whose translation in ``translations/<lang>.po`` was current at REF and is now missing or fuzzy).
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click
from babel.messages.pofile import read_po

from generator.commands.options import ROOT
from generator.errors import KbError, Problems
from generator.git import git
from generator.i18n import mdsplit
from generator.pipeline import schema
from generator.pipeline.build import check
from generator.pipeline.load import MAX_PO_BYTES, Doc, Tree, load_tree, read_text
from generator.pipeline.model import split_agent_blocks

KINDS = (("service", "service"), ("article", "answer"), ("department", "department"))
CONTENT = ("mkdocs.yml", "catalog", "articles", "translations")


# --- the content at REF ---------------------------------------------------------------------------

def checkout(root: Path, ref: str, dest: Path) -> str:
    """Write the content files of `ref` into `dest`; returns the commit id."""
    commit = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit is None:
        if git(root, "rev-parse", "--git-dir") is None:
            raise KbError(f"{root}: not in a git repository; kb diff compares with a commit")
        raise KbError(f"{ref}: no such commit, branch or tag in this repository")
    commit_id = commit.decode().strip()
    listing = git(root, "ls-tree", "-r", "-z", commit_id, "--", *CONTENT) or b""
    wanted = []
    for row in listing.split(b"\0"):
        if not row:
            continue
        meta, _, path = row.partition(b"\t")
        mode, kind, oid = meta.split()
        rel = path.decode("utf-8", "replace")
        if kind != b"blob" or mode == b"120000" or ".." in Path(rel).parts:
            continue  # no symlinks, nothing outside the folder
        wanted.append((rel, oid.decode()))
    if wanted:
        out = git(root, "cat-file", "--batch", input="".join(f"{oid}\n" for _, oid in wanted).encode())
        pos = 0
        for rel, _ in wanted:
            nl = out.index(b"\n", pos)
            size = int(out[pos:nl].split()[2])
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(out[nl + 1:nl + 1 + size])
            pos = nl + 1 + size + 1
    return commit_id


# --- translations ---------------------------------------------------------------------------------

class Translations:
    """The current (not fuzzy, not empty) translations of one PO file, by source text."""

    def __init__(self, path: Path):
        self.exists = path.is_file()
        self.done: dict[str, str] = {}
        if not self.exists:
            return
        text = read_text(path, f"translations/{path.name}", Problems(), MAX_PO_BYTES)
        if text is None:
            return  # not text kb reads; kb check reports it
        try:
            catalog = read_po(io.BytesIO(text.encode("utf-8")))
        except Exception:  # noqa: BLE001 - a broken PO file translates nothing; kb check reports it
            return
        for msg in catalog:
            if msg.id and isinstance(msg.id, str) and isinstance(msg.string, str) and msg.string \
                    and not msg.fuzzy:
                self.done[msg.id] = msg.string
                self.done.setdefault(msg.id.strip(), msg.string)

    def get(self, text: str) -> str | None:
        """The translation of a text: the whole text, or every Markdown block of it; else None."""
        if text in self.done or text.strip() in self.done:
            return self.done.get(text) or self.done[text.strip()]
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        if len(blocks) > 1 and all(b in self.done for b in blocks):
            return "\n\n".join(self.done[b] for b in blocks)
        units = mdsplit.messages(text)
        if units and all(u.text in self.done for u in units):
            return mdsplit.join(mdsplit.split(text), lambda u: self.done[u.text])
        return None


def _leaves(data, path: tuple):
    """The strings at a schema path ('*': every list item or map value)."""
    if not path:
        if isinstance(data, str):
            yield data
        elif isinstance(data, list):
            yield from (v for v in data if isinstance(v, str))
        return
    head, rest = path[0], path[1:]
    if head == "*":
        values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
        for v in values:
            yield from _leaves(v, rest)
    elif isinstance(data, dict) and head in data:
        yield from _leaves(data[head], rest)


def texts(doc: Doc | None, fld: tuple) -> list[str]:
    """The translatable texts inside one field of a document."""
    if doc is None:
        return []
    if fld == ("body",):
        return [doc.body] if doc.kind == "article" and doc.body.strip() else []
    out = []
    for marked in schema.marked_paths(doc.kind, "x-translate"):
        if marked[:len(fld)] == fld or fld[:len(marked)] == marked:
            out.extend(_leaves(doc.data, marked))
    return out


# --- comparing documents --------------------------------------------------------------------------

@dataclass
class Change:
    kind: str  # service | article | department
    id: str
    path: str
    title: str
    change: str  # added | changed | removed | translated (only a translation changed)
    sites: dict[str, str | None]  # public/agent -> added | changed | removed | None
    fields: list[dict] = field(default_factory=list)  # {field, site: public|agent}
    stale: list[str] = field(default_factory=list)  # translations made stale by this change
    untranslated: list[str] = field(default_factory=list)  # changed, and never translated
    translated: list[str] = field(default_factory=list)  # fields only a translator changed


def _field_paths(a, b, path: tuple = ()) -> list[tuple]:
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict) and len(path) < 2:
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out.extend(_field_paths(a.get(key), b.get(key), path + (key,)))
        return out
    return [path]


def _name(fld: tuple) -> str:
    return ".".join(str(p) for p in fld)


def _public(doc: Doc | None) -> bool:
    return doc is not None and (doc.kind != "article" or doc.data.get("audience", "both") != "agent")


def _internal(kind: str, fld: tuple) -> bool:
    for marked in schema.marked_paths(kind, "x-internal"):
        if fld[:len(marked)] == marked:
            return True
    return False


def source_fields(old: Doc, new: Doc) -> list[dict]:
    """The fields that differ, each with the site it shows in (public or agent)."""
    public = _public(old) or _public(new)
    out = []
    for fld in _field_paths(old.data, new.data):
        site = "public" if public and not _internal(new.kind, fld) else "agent"
        out.append({"field": _name(fld), "site": site, "path": fld})
    if old.kind == "article" and old.body != new.body:
        shown = split_agent_blocks(old.body) != split_agent_blocks(new.body)
        out.append({"field": "body", "site": "public" if public and shown else "agent",
                    "path": ("body",)})
    return out


def _sites(old: Doc | None, new: Doc | None, changed: bool) -> dict[str, str | None]:
    def status(was: bool, now: bool) -> str | None:
        if was and now:
            return "changed" if changed else None
        return "added" if now else "removed" if was else None

    return {"public": status(_public(old), _public(new)),
            "agent": status(old is not None, new is not None)}


def _title(doc: Doc, tr: Translations | None) -> str:
    text = str(doc.data.get("title" if doc.kind == "article" else "name") or doc.id)
    return (tr.get(text) if tr else None) or text


def compare(old_tree: Tree, new_tree: Tree, lang: str, source: str,
            old_tr: Translations | None, new_tr: Translations | None) -> list[Change]:
    """The changes in one language (for the source language, old_tr and new_tr are None)."""
    out = []
    for kind, _ in KINDS:
        old = {d.id: d for d in old_tree.of(kind)}
        new = {d.id: d for d in new_tree.of(kind)}
        for id_ in sorted(set(old) | set(new)):
            a, b = old.get(id_), new.get(id_)
            if a is None or b is None:
                doc = b or a
                out.append(Change(kind, id_, doc.path, _title(doc, new_tr if b else old_tr),
                                  "added" if b else "removed", _sites(a, b, True)))
                continue
            fields = source_fields(a, b)
            change = Change(kind, id_, b.path, _title(b, new_tr), "changed", {}, [
                {"field": f["field"], "site": f["site"]} for f in fields])
            if lang != source:
                for f in fields:
                    now = texts(b, f["path"])
                    if not now:
                        continue
                    if all(new_tr.get(t) for t in now):
                        continue  # translated already, in the same change
                    was = texts(a, f["path"])
                    fresh = was and all(old_tr.get(t) for t in was)
                    (change.stale if fresh else change.untranslated).append(f["field"])
                for f in _translation_changes(a, b, old_tr, new_tr, {tuple(x["path"]) for x in fields}):
                    change.translated.append(_name(f))
            if not fields and not change.translated:
                continue
            if not fields:
                change.change = "translated"
            change.sites = _sites(a, b, True)
            out.append(change)
    return out


def _translation_changes(a: Doc, b: Doc, old_tr: Translations, new_tr: Translations,
                         changed: set[tuple]) -> list[tuple]:
    """Fields whose source is the same but whose translation differs."""
    out = []
    marked = [(m[:2] if len(m) > 2 else m) for m in schema.marked_paths(b.kind, "x-translate")]
    candidates = sorted(set(marked), key=str) + ([("body",)] if b.kind == "article" else [])
    for fld in candidates:
        if fld in changed or any(fld[:len(c)] == c for c in changed):
            continue
        before = [old_tr.get(t) for t in texts(a, fld)]
        after = [new_tr.get(t) for t in texts(b, fld)]
        if before != after:
            out.append(fld)
    return out


# --- the report -----------------------------------------------------------------------------------

def diff(root: Path, ref: str) -> dict:
    """The report of `kb diff REF` as data."""

    checked = check(root)
    new_tree, config = checked.tree, checked.config
    with tempfile.TemporaryDirectory(prefix="kb-diff-") as tmp:
        commit = checkout(root, ref, Path(tmp))
        old_problems = Problems()
        old_tree = load_tree(Path(tmp), old_problems)
        source = config.source.code
        languages = {}
        stale = []
        has_po = {}
        for lang in config.languages:
            if lang.code == source:
                old_tr = new_tr = None
            else:
                old_tr = Translations(Path(tmp) / "translations" / f"{lang.code}.po")
                new_tr = Translations(Path(root) / "translations" / f"{lang.code}.po")
                has_po[lang.code] = new_tr.exists
            found = compare(old_tree, new_tree, lang.code, source, old_tr, new_tr)
            languages[lang.code] = {"name": lang.name, "source": lang.code == source,
                                    "changes": [asdict(c) for c in found]}
            stale += [{"lang": lang.code, "kind": c.kind, "id": c.id, "fields": c.stale}
                      for c in found if c.stale]
    return {"ref": ref, "commit": commit, "source": source, "languages": languages,
            "stale": stale, "po_files": has_po,
            "problems_at_ref": len(old_problems.errors())}


SIGN = {"added": "+", "changed": "~", "removed": "-", "translated": "~"}
KIND_WORD = dict(KINDS)


def format_text(rep: dict) -> str:
    lines = [f"Changes since {rep['ref']} ({rep['commit'][:10]}), as published:"]
    if rep["problems_at_ref"]:
        lines.append(f"(the content at {rep['ref']} has {rep['problems_at_ref']} problem(s); files "
                     "that did not load there count as added)")
    for code, lang in rep["languages"].items():
        lines.append("")
        label = f"{lang['name']} ({code})" + (", the source language" if lang["source"] else "")
        if not lang["source"] and not rep["po_files"].get(code):
            label += f": no translations/{code}.po, pages show the source language"
        lines.append(label)
        if not lang["changes"]:
            lines.append("  no change")
        for c in lang["changes"]:
            where = [s for s in ("public", "agent") if c["sites"][s]]
            sites = ("both sites" if where == ["public", "agent"] else
                     "agent site only" if where == ["agent"] else "public site only")
            if c["sites"]["public"] == "removed" and c["sites"]["agent"] == "changed":
                sites = "now for agents only: removed from the public site"
            word = "translation changed" if c["change"] == "translated" else c["change"]
            lines.append(f"  {SIGN[c['change']]} {word}: {c['title']} ({KIND_WORD[c['kind']]} "
                         f"{c['id']}, {sites})  {c['path']}")
            public = [f["field"] for f in c["fields"] if f["site"] == "public"]
            agent = [f["field"] for f in c["fields"] if f["site"] == "agent"]
            if public:
                lines.append(f"      residents see: {', '.join(public)}")
            if agent:
                lines.append(f"      agents only: {', '.join(agent)}")
            if c["translated"]:
                lines.append(f"      translation updated: {', '.join(c['translated'])}")
            if c["stale"]:
                lines.append(f"      translation made stale: {', '.join(c['stale'])}")
            if c["untranslated"]:
                lines.append(f"      not translated yet: {', '.join(c['untranslated'])}")
    lines.append("")
    if rep["stale"]:
        lines.append("Translations made stale: " + "; ".join(
            f"{s['lang']}: {s['id']} ({', '.join(s['fields'])})" for s in rep["stale"]))
    else:
        lines.append("No translation made stale.")
    return "\n".join(lines)


@click.command("diff")
@click.argument("ref")
@ROOT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def diff_cli(ref: str, root: Path, fmt: str) -> None:
    """What the working tree changes in the published catalog, compared with REF."""
    rep = diff(root, ref)
    if fmt == "json":
        click.echo(json.dumps(rep, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(rep))

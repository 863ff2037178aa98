"""CODEOWNERS from the content (`kb codeowners`): each department reviews its own pages.

Every service, article and department file goes to the reviewer of its owner (``owner.department``;
a service without an owner block belongs to its department, a department file to itself), taken
from ``extra.kb.reviewers`` in mkdocs.yml (department id -> ``@org/team`` or ``@user``). Each
language's PO file goes to its translator (``extra.kb.translators``: language code -> handle).
GitHub, GitLab and Gitea/Forgejo read the same format; patterns start at the repository's top, so
a content folder inside a larger repository gets its path in front.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from generator.commands.options import ROOT
from generator.errors import KbError
from generator.git import git_prefix
from generator.pipeline.build import check
from generator.pipeline.load import Tree
from generator.pipeline.reviews import owner_of

HEADER = """\
# Written by `kb codeowners` from the owner fields of the content and from extra.kb.reviewers
# and extra.kb.translators in mkdocs.yml. Do not edit by hand: change those, then run
# `kb codeowners` again (CI can run `kb codeowners --check`).
"""
SECTIONS = (("service", "Services"), ("article", "Answers"), ("department", "Departments"))


def codeowners(tree: Tree, prefix: str = "") -> tuple[str, dict[str, list[str]]]:
    """The CODEOWNERS text, and the owners with no reviewer -> the files they own."""
    kb = (tree.config.get(("extra", "kb")) if tree.config else None) or {}
    reviewers: dict = kb.get("reviewers") or {}
    translators: dict = kb.get("translators") or {}
    unmapped: dict[str, list[str]] = {}
    lines = [HEADER]
    for kind, title in SECTIONS:
        docs = sorted((d for d in tree.docs if d.kind == kind), key=lambda d: d.path)
        if not docs:
            continue
        lines.append(f"# {title}")
        for doc in docs:
            owner, _ = owner_of(doc)
            pattern = "/" + prefix + doc.path
            if owner and owner in reviewers:
                lines.append(f"{pattern} {reviewers[owner]}")
            elif owner:
                unmapped.setdefault(owner, []).append(doc.path)
                lines.append(f"# {pattern}: owner '{owner}' has no reviewer in extra.kb.reviewers")
            else:
                lines.append(f"# {pattern}: no owner (add owner: {{department: ...}})")
        lines.append("")
    codes = [lang.get("code") for lang in kb.get("languages") or () if isinstance(lang, dict)]
    source = codes[0] if codes else None
    po_lines = [f"/{prefix}translations/{code}.po {translators[code]}"
                for code in codes if code != source and code in translators]
    po_lines += [f"/{prefix}translations/{code}.po {handle}"
                 for code, handle in sorted(translators.items()) if code not in codes]
    if po_lines:
        lines.append("# Translations")
        lines.extend(po_lines)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n", unmapped


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kb-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("codeowners")
@ROOT
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write [default: ROOT/CODEOWNERS; .github/CODEOWNERS and "
                   ".gitlab/CODEOWNERS work too].")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the file is missing or out of date.")
def codeowners_cli(root: Path, output: Path | None, check_only: bool) -> None:
    """Write CODEOWNERS from the owner fields, so each department reviews its own content."""

    checked = check(root)
    kb = checked.tree.config.get(("extra", "kb")) or {}
    if not kb.get("reviewers") and not kb.get("translators"):
        raise KbError("mkdocs.yml: extra.kb.reviewers is missing; add the reviewer of each owner "
                      "department, like 'reviewers: {public-works: \"@city/public-works\"}'")
    text, unmapped = codeowners(checked.tree, git_prefix(root) or "")
    output = output or root / "CODEOWNERS"
    if check_only:
        current = output.read_text("utf-8") if output.is_file() else None
        if current != text:
            raise KbError(f"{output} is {'missing' if current is None else 'out of date'}; "
                          f"run 'kb codeowners' and commit the result")
        click.echo(f"{output} is up to date.", err=True)
    else:
        write_atomically(output, text)
        click.echo(f"Wrote {output}", err=True)
    for owner, paths in sorted(unmapped.items()):
        click.echo(f"warning: owner '{owner}' has no reviewer in mkdocs.yml extra.kb.reviewers "
                   f"({len(paths)} file{'s' if len(paths) != 1 else ''}, like {paths[0]})", err=True)

"""Problems found in content, and the exception that carries them to the command line.

Every problem keeps its place: the file (relative to the content root), a 1-based line and column,
and the field as a path into the document (``request.questions[1].datatype``). Problems about a
whole file (empty, binary, not UTF-8) sit at line 1, column 1.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

import click

ERROR = "error"
WARNING = "warning"

# Pseudo-fields for problems that are not about one field.
FILE = "(file)"
SYNTAX = "(syntax)"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """A key or value quoted in a message keeps the report one problem per line: '\\n' not a newline."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int = 1
    col: int = 1
    field: str = FILE
    message: str = ""
    severity: str = ERROR

    def text(self) -> str:
        tag = "" if self.severity == ERROR else "warning: "
        return f"{self.path}:{self.line}:{self.col}: {self.field}: {tag}{self.message}"

    def github(self) -> str:
        kind = "error" if self.severity == ERROR else "warning"
        msg = f"{self.field}: {self.message}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} file={self.path},line={self.line},col={self.col},title=kb check::{msg}"


@dataclass
class Problems:
    """A collector: stages add to it, and the command line decides what to do with the lot."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int = 1, col: int = 1, field: str = FILE, message: str = "",
            severity: str = ERROR) -> None:
        self.items.append(Problem(path, line, col, one_line(field), one_line(message), severity))

    def extend(self, other: "Problems | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def errors(self, strict: bool = False) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == ERROR or strict)

    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == WARNING)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def __bool__(self) -> bool:
        return bool(self.items)


def format_problems(problems: list[Problem], fmt: str = "text") -> str:
    problems = sorted(set(problems))
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(p.text() for p in problems)


class ContentError(click.ClickException):
    """Content is wrong: print every problem, exit 1, write nothing."""

    exit_code = 1

    def __init__(self, problems: list[Problem], fmt: str = "text"):
        self.problems = sorted(set(problems))
        self.fmt = fmt
        super().__init__(format_problems(self.problems, fmt))

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        click.echo(self.format_message(), err=self.fmt == "text", file=file)
        if self.fmt == "text":
            n = sum(1 for p in self.problems if p.severity == ERROR)
            click.echo(f"{n} error{'s' if n != 1 else ''}; nothing was written.", err=True)


class KbError(click.ClickException):
    """A problem that is not about content (a lock held, a missing root): one clear line, exit 1."""

    exit_code = 1

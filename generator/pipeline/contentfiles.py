"""The files kb reads from a content folder: ordinary files inside it, each read once.

A content folder (the root, `--root`) holds mkdocs.yml and what it inherits, catalog/,
articles/, translations/ and theme/. Before kb opens a path there it checks every part of it:

- the root is taken as its real path (links in `--root` itself are followed first);
- a symbolic link is followed only when it leads to another place in the same folder as the
  link (a link in articles/ to a file in articles/, in theme/ to theme/; for mkdocs.yml and what
  it inherits, anywhere in the root) and nothing on the way there is hidden (``.git/``);
  anything else is refused at the link's own path, and a link that leads nowhere is reported;
- only ordinary files are opened: the type is looked at before opening (a device or a named
  pipe is never opened; ``/dev/zero`` cannot hang a check) and again on the open file, which is
  opened without blocking;
- a file with more than one name on the disk (a hard link) is refused: nothing tells where the
  other names are;
- a file is read whole into memory through one open file, again when it changed while being
  read, and everything kb does with it is done on those bytes.

See docs/security.md for why.
"""

from __future__ import annotations

import errno
import os
import stat
import time
import unicodedata
from functools import lru_cache
from pathlib import Path

# The folders of a content root; a link may only lead to another place in its own folder.
FOLDERS = ("catalog", "articles", "translations", "theme")
_O_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
    | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
          stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket"}
_COPY = "put a copy of the file here instead of the link"


class Refused(Exception):
    """A path kb does not read: `rel` is where to say so (the link itself), `message` why."""

    def __init__(self, rel: str, message: str):
        super().__init__(f"{rel}: {message}")
        self.rel, self.message = rel, message


@lru_cache(maxsize=8)
def _real(absolute: str) -> Path:
    return Path(os.path.realpath(absolute))


def real_root(root: Path | str) -> Path:
    """The real path of the content root (the links in it followed)."""
    return _real(os.path.abspath(root))


def folder_of(rel: str) -> str:
    """The content folder a path is in ('' for mkdocs.yml and other files of the root)."""
    first = rel.split("/", 1)[0]
    return first if first in FOLDERS else ""


def check_link(root: Path, rel: str) -> None:
    """Raise Refused when the link at `rel` leads somewhere kb does not read."""
    root = real_root(root)
    written = os.readlink(root / rel)
    try:
        real = Path(os.path.realpath(root / rel, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(rel, "is a link that leads back to itself; remove it") from None
        raise Refused(rel, f"is a link to '{written}', which does not exist; fix the link or "
                           "remove it") from None
    try:
        inside = real.relative_to(root)
    except ValueError:
        raise Refused(rel, f"is a link to '{written}', outside the content folder; kb reads only "
                           f"files inside it: {_COPY}") from None
    parts = inside.parts
    if any(p.startswith(".") for p in parts):
        raise Refused(rel, f"is a link to '{inside.as_posix()}', which is hidden (like .git/) and "
                           f"not content: {_COPY}")
    folder = folder_of(rel)
    if folder and parts[:1] != (folder,):
        raise Refused(rel, f"is a link to '{inside.as_posix() or '.'}', outside {folder}/; a link "
                           f"in {folder}/ may only lead to another place in {folder}/: {_COPY}")


def check_path(root: Path, rel: str) -> None:
    """Raise Refused when a link on the way to `rel` (the folders, then the file) leads
    somewhere kb does not read. A path that does not exist passes: the caller says so."""
    root = real_root(root)
    parts = rel.split("/")
    for i in range(len(parts)):
        sub = "/".join(parts[: i + 1])
        try:
            mode = os.lstat(root / sub).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return
        if stat.S_ISLNK(mode):
            check_link(root, sub)


def _not_ordinary(st: os.stat_result, rel: str, limit: int) -> None:
    kind = _KINDS.get(stat.S_IFMT(st.st_mode))
    if kind is not None or not stat.S_ISREG(st.st_mode):
        raise Refused(rel, f"is {kind or 'not an ordinary file'}, not a file kb can read; "
                           "remove it")
    if st.st_nlink > 1:
        name = rel.rsplit("/", 1)[-1]
        raise Refused(rel, f"has {st.st_nlink} names on this disk (a hard link), so kb cannot tell "
                           f"whether another is outside the content folder; make it an ordinary "
                           f"file: copy it, delete it, and name the copy '{name}'")
    if st.st_size > limit:
        raise Refused(rel, f"is {st.st_size:,} bytes; the limit is {limit:,} bytes. Split it or "
                           "remove what does not belong in it")


Stamp = tuple  # (inode, modification time in ns, size, names) of the file that was read


def read(path: Path, rel: str, limit: int) -> tuple[bytes, Stamp]:
    """The bytes of the ordinary file `path` (= root / rel) and its stamp.

    Raises Refused (a link that leads out, not an ordinary file, a hard link, too big) or
    FileNotFoundError (gone since it was listed)."""
    root = Path(path).parents[rel.count("/")]
    check_path(root, rel)
    path = real_root(root) / rel
    for _ in range(5):
        _not_ordinary(os.stat(path), rel, limit)  # before opening: a device is never opened
        fd = os.open(path, _O_FLAGS)
        try:
            before = os.fstat(fd)  # the file opened, in case it was replaced since
            _not_ordinary(before, rel, limit)
            chunks, size = [], 0
            while size <= limit:
                chunk = os.read(fd, max(65536, before.st_size - size + 1))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            after = os.fstat(fd)
        finally:
            os.close(fd)
        data = b"".join(chunks)
        if len(data) > limit:
            raise Refused(rel, f"is {len(data):,} bytes; the limit is {limit:,} bytes. Split it "
                               "or remove what does not belong in it")
        if (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size) \
                and len(data) == before.st_size:
            return data, _stamp(before)
        # written to while it was read: read it again, whole
    raise Refused(rel, "kept changing while kb read it; run kb again once it is saved")


def stamp(path: Path) -> Stamp | None:
    """The stamp of a file without reading it (None: gone or not readable)."""
    try:
        return _stamp(os.stat(path))
    except OSError:
        return None


RACY_NS = 2_000_000_000


def recent(stamp: Stamp | None) -> bool:
    """Modified in the last two seconds: another write may come within the same tick of the
    file system's clock and leave the same stamp, so a stamp this young does not prove that a
    file is unchanged (git's "racy" entries)."""
    return stamp is None or time.time_ns() - stamp[1] < RACY_NS


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_ino, st.st_mtime_ns, st.st_size, st.st_nlink)


def fold(name: str) -> str:
    """A name as a file system that ignores case and Unicode normalisation sees it."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def same_name(name: str, other: str) -> str:
    """How two names that fold to one differ: 'case', 'normalisation' or both."""
    if name.casefold() == other.casefold():
        return "only in case"
    if unicodedata.normalize("NFC", name) == unicodedata.normalize("NFC", other):
        return "only in how accented letters are encoded (Unicode normalisation)"
    return "only in case and in how accented letters are encoded (Unicode normalisation)"


def clash_message(other_rel: str, how: str) -> str:
    return (f"differs from {other_rel} {how}; on Windows and macOS the two are one file, so which "
            "one the site gets depends on the machine: keep one")


def clashes(folder_rel: str, names: list[str], keep: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(path, message) for every name in a folder that another name of it folds to; the name in
    `keep` (else the first in order) is the one kept."""
    groups: dict[str, list[str]] = {}
    for name in sorted(names):
        groups.setdefault(fold(name), []).append(name)
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        first = next((n for n in group if n in keep), group[0])
        for name in group:
            if name != first:
                out.append((f"{folder_rel}/{name}",
                            clash_message(f"{folder_rel}/{first}", same_name(name, first))))
    return out


def walk(root: Path, folder: str, problems) -> list[str]:
    """The files kb may read under `folder` (recursively, hidden names left out, in order), as
    paths relative to the root; what it may not read is added to `problems`."""
    out: list[str] = []
    try:
        check_path(root, folder)
    except Refused as r:
        problems.add(r.rel, message=r.message)
        return out
    real = real_root(root)
    if not (real / folder).is_dir():
        return out
    todo: list[tuple[str, tuple]] = [(folder, ())]  # a folder and the folders it is in
    while todo:
        rel_dir, above = todo.pop()
        try:
            st = os.stat(real / rel_dir)
            if (st.st_dev, st.st_ino) in above:  # a link to a folder it is in: no end to it
                problems.add(rel_dir, message="is a link to a folder it is in itself; remove it")
                continue
            entries = sorted(os.scandir(real / rel_dir), key=lambda e: e.name)
        except OSError as exc:
            problems.add(rel_dir, message=f"cannot be read: {exc.strerror}")
            continue
        above = above + ((st.st_dev, st.st_ino),)
        names = [e.name for e in entries if not e.name.startswith(".")]
        for rel, message in clashes(rel_dir, names):
            problems.add(rel, message=message)
        for entry in entries:
            if entry.name.startswith("."):
                continue  # never published (mkdocs leaves hidden theme files out)
            rel = f"{rel_dir}/{entry.name}"
            try:
                if entry.is_symlink():
                    check_link(real, rel)
                if entry.is_dir():
                    todo.append((rel, above))
                    continue
                _not_ordinary(os.stat(real / rel), rel, float("inf"))
            except Refused as r:
                problems.add(r.rel, message=r.message)
                continue
            except FileNotFoundError:
                continue  # gone since the folder was listed
            out.append(rel)
    return sorted(out)


def copy(root: Path, rel: str, target: Path) -> None:
    """Copy the file at root / rel (already vetted by `walk`) to `target`, through one open file."""
    path = real_root(root) / rel
    st = os.stat(path)
    _not_ordinary(st, rel, float("inf"))
    fd = os.open(path, _O_FLAGS)
    try:
        st = os.fstat(fd)
        _not_ordinary(st, rel, float("inf"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(fd, "rb", closefd=False) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # as shutil.copy2 keeps it
    finally:
        os.close(fd)


def read_all(root: Path, rel: str) -> bytes:
    """The bytes of a file `walk` listed (no size limit: a theme's images)."""
    return read(Path(root) / rel, rel, 1 << 40)[0]

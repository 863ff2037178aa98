"""Write stage: the only code that touches the output folder.

A build is staged in a hidden folder inside the output folder (same file system) and swapped in
at the end, one audience folder at a time (``site/public``, ``site/agent``). On Linux the swap is
one atomic ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames. A build killed at any moment
leaves the previous audience folder whole. A lock file keeps two builds off one output folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from generator.errors import KbError

STAGING = ".kb-staging-"
OLD = ".kb-old-"
LOCK = ".kb-build.lock"


@contextmanager
def lock(out: Path) -> Iterator[None]:
    """Hold the output folder's build lock, or fail at once with a clear message."""
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        fh = open(out / LOCK, "a+")
    except OSError as exc:
        raise KbError(f"{out}: cannot write the site here ({exc.strerror}); choose another "
                      "folder with --out") from None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise KbError(f"{out}: another build is writing here ({holder}); wait for it to finish "
                      "and run the command again") from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"kb build, process {os.getpid()}\n")
        fh.flush()
        clean_stale(out)
        yield
    finally:
        clean_stale(out)  # a build that failed half-way leaves no staging folder behind
        fh.truncate(0)
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def clean_stale(out: Path) -> None:
    """Remove what a killed build left behind (only called while holding the lock)."""
    for p in out.iterdir():
        if p.name.startswith((STAGING, OLD)) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def staging(out: Path) -> Path:
    path = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o777 & ~umask)  # mkdtemp's 0700 would hide the site from the web server
    return path


_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2). False when the system cannot."""
    global _libc
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        _libc = _libc or ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    res = fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange)
    if res == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(new: Path, target: Path) -> None:
    """Put `new` at `target`, replacing what was there, as atomically as the system allows."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # `new` now holds the previous output
        return
    old = target.with_name(f"{OLD}{target.name}-{os.getpid()}")
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)

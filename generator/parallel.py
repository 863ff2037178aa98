"""Run the builds of one language and audience each in a process of its own, a few at once.

Each task runs in a fresh child forked from the builder, so it starts with the checked content
and the models already in memory (nothing to send, nothing to load again), and gives all its
memory back when it ends: mkdocs holds every page of a site until it has written them, and a
city has many languages. A child dies with its parent, so a killed build leaves nothing running.
Where processes cannot be forked (not Linux), the tasks run one after the other in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from multiprocessing.connection import wait
from typing import Any, Callable, Iterator, Sequence


class TaskFailed(RuntimeError):
    """A task raised; the message carries the child's traceback."""


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(fn: Callable[[Any], Any], task: Any, conn) -> None:
    _die_with_parent()
    try:
        result = ("ok", fn(task))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    try:
        conn.send(result)
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers, no flushing of the parent's buffers a second time


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def run(fn: Callable[[Any], Any], tasks: Sequence[Any], jobs: int) -> Iterator[tuple[int, Any]]:
    """Yield (index, fn(task)) as tasks finish, with at most `jobs` running at once."""
    if not can_fork():
        for i, task in enumerate(tasks):
            yield i, fn(task)
        return
    ctx = multiprocessing.get_context("fork")
    pending = list(enumerate(tasks))
    running: dict[Any, tuple[int, Any]] = {}  # connection -> (index, process)
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                i, task = pending.pop(0)
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(fn, task, writer), daemon=True)
                proc.start()
                writer.close()
                running[reader] = (i, proc)
            for conn in wait(list(running)):
                i, proc = running.pop(conn)
                try:
                    status, value = conn.recv()
                except EOFError:
                    proc.join()
                    raise TaskFailed(f"task {i} ended without a result (exit code {proc.exitcode})")
                finally:
                    conn.close()
                proc.join()
                if status == "error":
                    raise TaskFailed(value)
                yield i, value
    finally:
        for conn, (_, proc) in running.items():
            proc.kill()
            proc.join()
            conn.close()

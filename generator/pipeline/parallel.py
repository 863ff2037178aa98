"""Run the builds of one language and audience each in a process of its own, a few at once.

Each task runs in a fresh child forked from the builder, so it starts with the checked content
and the models already in memory (nothing to send, nothing to load again), and gives all its
memory back when it ends: mkdocs holds every page of a site until it has written them, and a
city has many languages. A child dies with its parent, so a killed build leaves nothing running.
Where processes cannot be forked (not Linux), the tasks run one after the other in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import traceback
from multiprocessing.connection import wait
from typing import Any, Callable, Iterator, Sequence

from generator.errors import KbError


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
    except KbError as exc:  # a problem to tell the user, not a bug: its message alone
        result = ("kb-error", exc.message)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    try:
        conn.send(result)
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers, no flushing of the parent's buffers a second time


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def run(fn: Callable[[Any], Any], tasks: Sequence[Any], jobs: int,
        then: Callable[[Any, Any], Sequence[Any]] | None = None) -> Iterator[tuple[Any, Any]]:
    """Yield (task, fn(task)) as tasks finish, with at most `jobs` running at once. `then(task,
    result)`, when given, returns the tasks that can start now that this one has finished."""
    pending = list(tasks)
    if not can_fork():
        while pending:
            task = pending.pop(0)
            result = fn(task)
            if then:
                pending += then(task, result)
            yield task, result
        return
    ctx = multiprocessing.get_context("fork")
    running: dict[Any, tuple[Any, Any]] = {}  # connection -> (task, process)
    # What the children inherit is left out of their garbage collections: a collection writes
    # to every object it looks at, which would give each child a copy of all of it.
    gc.collect()
    gc.freeze()
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                task = pending.pop(0)
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(fn, task, writer), daemon=True)
                proc.start()
                writer.close()
                running[reader] = (task, proc)
            for conn in wait(list(running)):
                task, proc = running.pop(conn)
                try:
                    status, value = conn.recv()
                except EOFError:
                    proc.join()
                    raise TaskFailed(f"a task ended without a result (exit code {proc.exitcode})")
                finally:
                    conn.close()
                proc.join()
                if status == "error":
                    raise TaskFailed(value)
                if status == "kb-error":
                    raise KbError(value)
                if then:
                    pending += then(task, value)
                yield task, value
    finally:
        gc.unfreeze()
        for conn, (_, proc) in running.items():
            proc.kill()
            proc.join()
            conn.close()


class Beside:
    """fn(arg) computed in a forked child while this process goes on; `result()` waits for it.
    Where processes cannot be forked, or `fork` is False, it is computed by `result()` here."""

    def __init__(self, fn: Callable[[Any], Any], arg: Any, fork: bool = True):
        self.fn, self.arg, self.conn, self.proc = fn, arg, None, None
        if fork and can_fork():
            ctx = multiprocessing.get_context("fork")
            self.conn, writer = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=_child, args=(fn, arg, writer), daemon=True)
            self.proc.start()
            writer.close()

    def result(self) -> Any:
        if self.proc is None:
            return self.fn(self.arg)
        try:
            status, value = self.conn.recv()
        except EOFError:
            raise TaskFailed(f"ended without a result (exit code {self.proc.exitcode})") from None
        finally:
            self.conn.close()
            self.proc.join()
        if status == "error":
            raise TaskFailed(value)
        return value

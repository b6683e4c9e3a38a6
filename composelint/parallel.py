"""Run one function over many items in forked processes, the calling process working too.

Why not ``ProcessPoolExecutor``: its workers are forked children while the parent only waits, so
every page of the parent's memory (all the imported modules) is copied once per worker as soon as
the worker touches it. Here the parent is one of the workers: ``jobs - 1`` children, half the
copies (on the corpus with two jobs, 19,900 page faults instead of 26,500), and no manager thread
competing for a core. Items are claimed in chunks from a counter in shared memory, so a slow chunk never leaves
a process idle while another has a queue; results come back in the order of ``items``.

Only where ``fork`` exists (Linux and other Unixes; not macOS, where forking after imports is
unsafe): elsewhere the caller falls back to one process or to a pool.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PENDING = object()  # a result not received (yet)

# A child's message: a chunk's first index and its results, or the exception that stopped it.
_Message = tuple[int, list[Any] | None, BaseException | None]


def can_fork() -> bool:
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def map_forked(
    function: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    chunk: int,
    progress: Callable[[Sequence[R]], None] | None = None,
) -> list[R]:
    """``[function(item) for item in items]`` in ``jobs`` processes (this one and ``jobs - 1`` forks).

    An exception raised by ``function`` in any process is raised here. A child that dies without a
    word (killed, out of memory) does not lose its items: they are run again in this process.
    ``progress`` (called in this process) gets the results of each chunk as it is done.
    """
    done = progress or (lambda results: None)
    context = multiprocessing.get_context("fork")
    try:
        next_chunk = context.Value("q", 0)  # index of the next item to claim, in shared memory
    except OSError:  # no shared semaphores here (some sandboxes): one process does it all
        return [function(item) for item in items]
    results: list[Any] = [_PENDING] * len(items)

    def claim() -> int | None:
        with next_chunk.get_lock():
            start = int(next_chunk.value)
            if start >= len(items):
                return None
            next_chunk.value = start + chunk
            return start

    def run_chunk(start: int) -> list[R]:
        return [function(item) for item in items[start : start + chunk]]

    def child(sender: Connection) -> None:
        # Ctrl-C is the parent's to handle (it stops the children); a child says nothing.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            while (start := claim()) is not None:
                try:
                    message: _Message = (start, run_chunk(start), None)
                except Exception as exc:  # the parent raises it
                    message = (start, None, exc)
                sender.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
                if message[2] is not None:
                    break
        finally:
            sender.close()

    def receive(message: _Message) -> None:
        start, chunk_results, error = message
        if error is not None:
            raise error
        assert chunk_results is not None
        results[start : start + len(chunk_results)] = chunk_results
        done(chunk_results)

    # Objects made so far are never collected in the children: their pages stay shared longer.
    gc.freeze()
    children: list[tuple[Any, Connection]] = []
    try:
        for _ in range(jobs - 1):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=child, args=(sender,), daemon=True)
            process.start()
            sender.close()
            children.append((process, receiver))
        open_pipes = [receiver for _, receiver in children]
        while (start := claim()) is not None:
            own = run_chunk(start)
            results[start : start + chunk] = own
            done(own)
            # Drain what the children sent meanwhile, so none of them blocks on a full pipe.
            for ready in wait(open_pipes, timeout=0):
                _drain(ready, open_pipes, receive)
        while open_pipes:
            for ready in wait(open_pipes):
                _drain(ready, open_pipes, receive)
    finally:
        for process, receiver in children:
            receiver.close()
            if process.is_alive():
                process.terminate()
            process.join()
        gc.unfreeze()
    for index, result in enumerate(results):
        if result is _PENDING:  # claimed by a child that died
            results[index] = function(items[index])
            done([results[index]])
    return results


def _drain(ready: Any, open_pipes: list[Connection], receive: Callable[[_Message], None]) -> None:
    assert isinstance(ready, Connection)
    try:
        data = ready.recv_bytes()
    except EOFError:  # the child finished (or died): its pipe is closed
        open_pipes.remove(ready)
        return
    receive(pickle.loads(data))

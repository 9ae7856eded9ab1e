"""A stop that lets the message in flight finish, for `tracker remind`.

By default SIGTERM kills the process and Ctrl+C raises KeyboardInterrupt
wherever the main thread is, also between a message's final "." and the
commit that marks it sent: the next run sends that message again. While a
one-shot run sends, the first SIGTERM, SIGINT or (Windows) SIGBREAK only
asks the batch to stop before its next message: the one in flight is
finished and marked, the rest handed back to the queue. A second signal acts
as it would have (someone who means it).

The handler sets a plain attribute: it runs between two bytecodes of the
main thread, and `threading.Event.set` would take a lock that thread may be
holding.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGTERM, signal.SIGINT) + ((signal.SIGBREAK,) if hasattr(signal, "SIGBREAK") else ())


class Interrupt:
    """`is_set()` once a stop signal came; `signum` names it."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def is_set(self) -> bool:
        return self.signum is not None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""


@contextmanager
def finishing_in_flight() -> Iterator[Interrupt]:
    """Within the block, the first stop signal sets the yielded Interrupt;
    the handlers before it are back afterwards. Outside the main thread
    (where Python takes no handlers) the Interrupt is never set."""
    flag = Interrupt()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    before = {s: signal.getsignal(s) for s in SIGNALS}

    def note(signum: int, frame: FrameType | None) -> None:
        if flag.signum is None:
            flag.signum = signum
            return
        # the second one: what it would have done without us
        signal.signal(signum, before[signum])
        previous = before[signum]
        if callable(previous):
            previous(signum, frame)
        else:
            signal.raise_signal(signum)

    for s in SIGNALS:
        signal.signal(s, note)
    try:
        yield flag
    finally:
        for s, h in before.items():
            signal.signal(s, h)

"""structlog, configured once per process: JSON when not on a terminal, console otherwise."""

import logging
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import structlog

# The log context of the message being handled, as a function that makes it: the context is made only for the
# lines actually written. Binding its eight fields with structlog's contextvars on every message took 12 us,
# about 5 % of a service's time per event under load; setting this one variable takes 0.3 us.
_message_context: ContextVar[Callable[[], Mapping[str, object]] | None] = ContextVar("sellerops_message_context",
                                                                                    default=None)


@contextmanager
def message_context(fields: Callable[[], Mapping[str, object]]) -> Iterator[None]:
    """Every line logged inside the block (by the runtime or a handler) carries `fields()`; a field bound
    explicitly, on the line or with structlog's contextvars, wins."""
    token = _message_context.set(fields)
    try:
        yield
    finally:
        _message_context.reset(token)


def merge_message_context(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: the fields of `message_context`, under the line's own."""
    fields = _message_context.get()
    if fields is not None:
        for key, value in fields().items():
            event_dict.setdefault(key, value)
    return event_dict


def configure_logging(level: str = "INFO", fmt: str = "auto") -> None:
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer = structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            merge_message_context,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )


class Tally:
    """A log line that would repeat per message, as a periodic summary: the first occurrence is logged at
    INFO (with its details), the next ones at DEBUG and counted, and every `every_s` seconds an INFO line
    says how many there were since (`<event>_summary`, count, by key). 50,000 old events replayed into
    notifications make one INFO line and a summary a minute instead of 50,000 INFO lines."""

    def __init__(self, logger: Any, event: str, *, every_s: float = 60.0,
                 monotonic: Callable[[], float] | None = None) -> None:
        import time

        self._log, self._event, self._every = logger, event, every_s
        self._now = monotonic or time.monotonic
        self._counts: dict[str, int] = {}
        self._since: float | None = None

    def add(self, key: str, **details: object) -> None:
        now = self._now()
        if self._since is None:
            self._since = now
            self._log.info(self._event, **details, note=f"more are counted; a summary every {self._every:g} s")
            return
        self._log.debug(self._event, **details)
        self._counts[key] = self._counts.get(key, 0) + 1
        if now - self._since >= self._every:
            self.flush()

    def flush(self) -> None:
        """Log the summary of what was counted (nothing when nothing was)."""
        if self._counts:
            self._log.info(f"{self._event}_summary", count=sum(self._counts.values()), by=dict(self._counts),
                           over_s=round(self._now() - (self._since or self._now()), 1))
        self._counts.clear()
        self._since = self._now()

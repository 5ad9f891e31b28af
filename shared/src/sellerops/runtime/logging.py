"""structlog, configured once per process: JSON when not on a terminal, console otherwise."""

import logging
import sys
from collections.abc import Callable
from typing import Any

import structlog


def configure_logging(level: str = "INFO", fmt: str = "auto") -> None:
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer = structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
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

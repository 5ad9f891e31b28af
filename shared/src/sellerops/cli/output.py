"""How `sellerops` commands print: tables that fit the screen, progress that suits a terminal or a pipe.

Imported through `sellerops.cli.common` (table, progress), which every command uses.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.table import Table


class FitTable(Table):
    """A Table that, when too wide for the screen, sets each column's width itself: an id column keeps its
    longest cell, a text column gets at least its longest word (up to WORD_LIMIT) and a share of the room
    left in proportion to what it would need on one line. (rich alone shrinks every column evenly, so an id
    or a status is cut while a long text column keeps its width.)"""

    WORD_LIMIT = 24

    def __init__(self, *args: Any, ids: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ids = ids

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        wanted, least, floor = [], [], []
        for column in self.columns:
            cells = [Text.from_markup(c).plain if isinstance(c, str) else getattr(c, "plain", "") for c in column.cells]
            lines = [line for cell in [str(column.header), *cells] for line in cell.splitlines() or [""]]
            natural = max((len(line) for line in lines), default=1)
            word = max((len(w) for line in lines for w in line.split()), default=1)
            cell_word = max((len(w) for cell in cells for w in cell.split()), default=1)
            is_id = column.header in self.ids
            wanted.append(natural)
            least.append(natural if is_id else min(word, self.WORD_LIMIT, natural))
            # what a column gives up last: an id nothing, a text column its longest word in the cells (a
            # header may wrap first), then down to 4
            floor.append(natural if is_id else min(cell_word, self.WORD_LIMIT, natural))
        padding = sum(self._get_padding_width(i) for i in range(len(self.columns)))
        room = options.max_width - self._extra_width - padding
        if sum(wanted) > room:
            ids = [column.header in self.ids for column in self.columns]
            for column, width in zip(self.columns, fit_widths(wanted, least, floor, ids, room), strict=True):
                column.width = width
        return super().__rich_console__(console, options)


def fit_widths(wanted: list[int], least: list[int], floor: list[int], is_id: list[bool], room: int) -> list[int]:
    """Column widths summing to at most `room` where they can: each its `least`; when even those do not fit,
    the widest column above its `floor` gives up a character first, then (still too wide) the widest text
    column above 4 (an id never); the room left is shared in proportion to what each still wants."""
    widths = list(least)
    for limit in (floor, [w if id_ else min(4, f) for w, f, id_ in zip(wanted, floor, is_id, strict=True)]):
        while sum(widths) > room:
            above = [i for i, w in enumerate(widths) if w > limit[i]]
            if not above:
                break
            widths[max(above, key=lambda i: widths[i])] -= 1
    spare, need = room - sum(widths), [w - got for w, got in zip(wanted, widths, strict=True)]
    if spare > 0 and sum(need) > 0:
        total = sum(need)
        widths = [got + min(n, spare * n // total) for got, n in zip(widths, need, strict=True)]
    return widths


def table(*columns: str, ids: tuple[str, ...] = (), **options: Any) -> Table:
    """A table that fits the width (80 columns when piped): the `ids` columns are never cut or wrapped, the
    others wrap between words (folding only a word longer than the column) instead of ending in an ellipsis."""
    from rich import box

    style = {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False, "padding": (0, 1, 0, 0)}
    grid = FitTable(ids=ids, **{**style, **options})
    for name in columns:
        grid.add_column(name, no_wrap=name in ids, overflow="fold")
    return grid


class LineProgress:
    """Progress as plain lines (when stderr is not a terminal): one at the start, every 10 %, one at the end."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.tenths = label, total, 0, 0
        _errors().print(f"{label}: 0 of {total}", highlight=False, soft_wrap=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        tenths = self.done * 10 // self.total if self.total else 10
        if tenths > self.tenths:
            self.tenths = tenths
            _errors().print(f"{self.label}: {self.done} of {self.total}", highlight=False, soft_wrap=True)


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """`advance(n)`: a transient bar on a terminal, a few plain lines on a pipe, nothing under --json."""
    if _json_mode() or total == 0:
        yield _no_progress
        return
    if not _errors().is_terminal:
        yield LineProgress(label, total).advance
        return
    from rich.progress import Progress

    with Progress(console=_errors(), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


def _no_progress(n: int = 1) -> None:
    """`advance` where nothing is shown."""


def _errors() -> Any:
    from sellerops.cli import common

    return common.errors  # looked up on each use, so a test (or a caller) can swap the console


def _json_mode() -> bool:
    from sellerops.cli.common import MODE

    return MODE["json"]

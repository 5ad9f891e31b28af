"""`sellerops up` copies its children's output a whole line at a time: JSON lines never interleave."""

import asyncio
import io
import json
import sys

from sellerops.runtime.supervisor import relay_lines

CHILD = r"""
import json, sys, time
for n in range(200):
    line = json.dumps({"service": sys.argv[1], "n": n, "pad": "x" * 9000}) + "\n"
    for start in range(0, len(line), 1000):  # written in pieces, flushed mid-line
        sys.stdout.write(line[start:start + 1000]); sys.stdout.flush()
"""


class Sink(io.StringIO):
    """A text stream without a binary buffer, recording each write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


async def test_two_children_writing_long_lines_in_pieces_come_out_as_whole_json_lines():
    out = Sink()
    children = [await asyncio.create_subprocess_exec(sys.executable, "-c", CHILD, name,
                                                     stdout=asyncio.subprocess.PIPE, limit=1024 * 1024)
                for name in ("orders", "health")]

    await asyncio.gather(*(relay_lines(c.stdout, out) for c in children), *(c.wait() for c in children))

    lines = [json.loads(w) for w in out.writes]
    assert len(lines) == 400
    assert sorted(n["n"] for n in lines if n["service"] == "orders") == list(range(200))

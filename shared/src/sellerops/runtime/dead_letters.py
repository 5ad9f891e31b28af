"""Inspecting and replaying the dead-letter stream (what `sellerops deadletters` does).

A replay publishes the original payload and headers to the original subject with a new
Nats-Msg-Id (`replay:<dead-letter sequence>`, so the same replay is accepted once), then removes the
dead letter. Every consumer of that subject sees the event again; the ones that had applied it
recognise its event id and change nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from sellerops.contracts.streams import DEAD_LETTER, stream_name
from sellerops.runtime.delivery import (
    DELIVERIES, ORIGINAL_MSG_ID, ORIGINAL_SEQUENCE, ORIGINAL_STREAM, ORIGINAL_SUBJECT, REASON, SERVICE,
    without_control_headers,
)
from sellerops.runtime.publisher import MSG_ID, publish_to_stream

DEAD_HEADERS = (REASON, SERVICE, DELIVERIES, ORIGINAL_SUBJECT, ORIGINAL_STREAM, ORIGINAL_SEQUENCE, ORIGINAL_MSG_ID)


@dataclass(frozen=True)
class DeadLetter:
    sequence: int
    time: datetime | None
    service: str
    original_subject: str
    reason: str
    deliveries: int
    data: bytes
    headers: dict[str, str]


async def list_dead_letters(js: JetStreamContext, *, service: str | None = None, limit: int = 1000) -> list[DeadLetter]:
    """Dead letters, oldest first (read by sequence with direct gets; the stream is small)."""
    info = await js.stream_info(DEAD_LETTER.name)
    found: list[DeadLetter] = []
    seq = info.state.first_seq
    while seq and seq <= info.state.last_seq and len(found) < limit:
        letter = await get_dead_letter(js, seq)
        seq += 1
        if letter and (service is None or letter.service == service):
            found.append(letter)
    return found


async def get_dead_letter(js: JetStreamContext, sequence: int) -> DeadLetter | None:
    try:
        raw = await js.get_msg(DEAD_LETTER.name, seq=sequence)
    except NotFoundError:
        return None
    headers = dict(raw.headers or {})
    return DeadLetter(
        sequence=sequence, time=getattr(raw, "time", None), service=headers.get(SERVICE, ""),
        original_subject=headers.get(ORIGINAL_SUBJECT, ""), reason=headers.get(REASON, ""),
        deliveries=int(headers.get(DELIVERIES, "0") or 0), data=raw.data or b"", headers=headers,
    )


async def replay(js: JetStreamContext, sequence: int) -> int:
    """Put a dead letter back on its original subject; return its new stream sequence."""
    letter = await get_dead_letter(js, sequence)
    if letter is None:
        raise LookupError(f"no dead letter with sequence {sequence}")
    headers = {k: v for k, v in without_control_headers(letter.headers).items() if k not in DEAD_HEADERS and k != MSG_ID}
    headers[MSG_ID] = f"replay:{sequence}"
    stream = stream_name(letter.original_subject.split(".", 1)[0])
    ack = await publish_to_stream(js, letter.original_subject, letter.data, stream=stream, headers=headers)
    await js.delete_msg(DEAD_LETTER.name, sequence)
    return ack.seq


async def drop(js: JetStreamContext, sequence: int) -> None:
    if not await js.delete_msg(DEAD_LETTER.name, sequence):
        raise LookupError(f"no dead letter with sequence {sequence}")

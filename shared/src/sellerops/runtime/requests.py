"""Request-reply endpoints on the NATS service API ($SRV.PING / INFO / STATS), and a client for them.

An endpoint is `req.<service>.<seller>.<verb>`; the body is the request struct as JSON. The answer
is the reply struct as JSON, or an ErrorReply with the `Nats-Service-Error(-Code)` headers set,
whose `field` names the offending field.

Every request is answered, and every failure is logged: a reply over the server's max payload becomes
a `too_large` ErrorReply (list answers page below it: runtime.paging), and an error while sending the
reply is answered with an `internal` ErrorReply.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
import nats.micro
from nats.errors import NoRespondersError
import structlog
from nats.aio.client import Client
from nats.micro.request import Request
from nats.micro.service import Service

from sellerops.contracts.catalog import encode
from sellerops.contracts.requests import ERROR_STATUS, ErrorReply, RequestError, validation_error
from sellerops.contracts.subjects import InvalidToken, request_endpoint, request_subject, seller_from_request
from sellerops.runtime.observability import Metrics, Timer
from sellerops.runtime.paging import set_reply_budget

T = TypeVar("T")
log = structlog.get_logger("sellerops.requests")

RequestHandler = Callable[[str, Any], Awaitable[msgspec.Struct]]


@dataclass(frozen=True)
class Endpoint:
    verb: str
    request_type: type[msgspec.Struct]
    handler: RequestHandler  # (seller, request) -> reply
    reply_type: type[msgspec.Struct] | None = None
    description: str = ""


ANSWERS_AT_ONCE = 32  # requests one endpoint of one instance answers concurrently (the rest wait in the client)


class _Served:
    """One endpoint's callback. nats.micro awaits it once per request, in order (one at a time: with a health
    answer taking ~10 ms of KV reads, an instance capped near 100 answers/s); so it starts each answer as a
    task and returns, holding at most `at_once` answers of this endpoint in flight. When they are all busy
    it waits, so the requests behind them wait in the subscription (bounded by its pending limits)."""

    def __init__(self, endpoint: Endpoint, nc: Client, metrics: Metrics | None, at_once: int = ANSWERS_AT_ONCE) -> None:
        self._endpoint = endpoint
        self._nc = nc
        self._decoder = msgspec.json.Decoder(endpoint.request_type)
        self._metrics = metrics
        self._slots = asyncio.Semaphore(at_once)
        self.in_flight: set[asyncio.Task[None]] = set()

    async def __call__(self, req: Request) -> None:
        await self._slots.acquire()
        task = asyncio.create_task(self._timed(req))
        self.in_flight.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        self._slots.release()

    async def _timed(self, req: Request) -> None:
        timer = Timer()
        code = await self._answer(req)
        if self._metrics is not None:
            self._metrics.request(self._endpoint.verb, code, timer.elapsed())

    async def _answer(self, req: Request) -> str:
        """Answer one request; return the code answered ("ok" or the error code)."""
        subject = req.subject
        max_payload = self._nc.max_payload or 1024 * 1024  # the server's limit
        with structlog.contextvars.bound_contextvars(subject=subject, verb=self._endpoint.verb):
            set_reply_budget(max_payload)
            try:
                seller = seller_from_request(subject)
                structlog.contextvars.bind_contextvars(seller=seller)
                request = self._decoder.decode(req.data or b"{}")
                reply = await self._endpoint.handler(seller, request)
            except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                return await _respond_error(req, validation_error(exc).reply)
            except InvalidToken as exc:
                return await _respond_error(req, ErrorReply(code="invalid", message=str(exc), field=exc.field))
            except RequestError as exc:
                return await _respond_error(req, exc.reply)
            except Exception as exc:  # the caller must get an answer, never silence
                log.error("request_failed", exc_info=exc)
                return await _respond_error(req, ErrorReply(code="internal", message=f"{type(exc).__name__}: {exc}"))
            return await _respond(req, encode(reply), max_payload)


async def _respond(req: Request, body: bytes, max_payload: int) -> str:
    if len(body) > max_payload - 1024:  # the headers and the subject travel in the same message
        log.error("reply_too_large", size=len(body), max_payload=max_payload)
        return await _respond_error(req, ErrorReply(
            code="too_large", message=f"the reply is {len(body)} bytes, over the server's max payload of "
            f"{max_payload}: ask for fewer items (limit) or page with the cursor"))
    try:
        await req.respond(body)
    except Exception as exc:  # the caller must get an answer, never silence
        log.error("reply_failed", size=len(body), exc_info=exc)
        return await _respond_error(req, ErrorReply(code="internal", message=f"{type(exc).__name__}: {exc}"))
    return "ok"


async def _respond_error(req: Request, error: ErrorReply) -> str:
    status = str(ERROR_STATUS.get(error.code, 500))
    await req.respond_error(status, " ".join(error.message.split())[:500], data=encode(error))
    return error.code


async def serve(
    nc: Client, *, service: str, version: str, description: str, endpoints: list[Endpoint],
    metrics: Metrics | None = None, answers_at_once: int = ANSWERS_AT_ONCE,
) -> Service:
    svc = await nats.micro.add_service(
        nc, name=f"sellerops-{service}", version=version, description=description,
        metadata={"sellerops.service": service},
    )
    for endpoint in endpoints:
        await svc.add_endpoint(
            name=endpoint.verb, subject=request_endpoint(service, endpoint.verb),
            handler=_Served(endpoint, nc, metrics, answers_at_once),
            metadata={"request": endpoint.request_type.__name__, "description": endpoint.description},
        )
    await nc.flush()  # add_endpoint does not flush: a request sent right after could find no responders
    return svc


class RequestFailed(Exception):
    def __init__(self, error: ErrorReply) -> None:
        where = f" (field {error.field})" if error.field else ""
        super().__init__(f"{error.code}: {error.message}{where}")
        self.error = error


NO_RESPONDERS_RETRY_S = (0.05, 0.2, 0.5)  # waits before asking again when no instance answered


async def call(
    nc: Client, service: str, seller: str, verb: str, request: msgspec.Struct, reply_type: type[T],
    *, timeout: float = 5.0,
) -> T:
    """Send a request and decode the reply, raising RequestFailed with the service's ErrorReply."""
    subject, body = request_subject(service, seller, verb), encode(request)
    for wait in (*NO_RESPONDERS_RETRY_S, None):
        try:
            msg = await nc.request(subject, body, timeout=timeout)
            break
        except NoRespondersError:
            # No instance was subscribed at that instant (one starting, restarting, or reconnecting; seen here
            # about once in a few thousand requests right after a service said it was ready): nobody got
            # the request, so asking again is safe. After the last wait the caller is told.
            if wait is None:
                raise
            await asyncio.sleep(wait)
    headers = msg.headers or {}
    if "Nats-Service-Error-Code" in headers:
        try:
            error = msgspec.json.decode(msg.data, type=ErrorReply)
        except msgspec.MsgspecError:
            error = ErrorReply(code=headers["Nats-Service-Error-Code"], message=headers.get("Nats-Service-Error", ""))
        raise RequestFailed(error)
    return msgspec.json.decode(msg.data, type=reply_type)


async def call_every_page(
    nc: Client, service: str, seller: str, verb: str, request: msgspec.Struct, reply_type: type[T],
    *, items: str, timeout: float = 5.0,
) -> T:
    """A paged list (runtime.paging) asked page after page, each request carrying the last page's
    `next_cursor`, until a page has none; answered as one reply whose `items` field holds every page's
    items in order and whose `next_cursor` is None. For callers that want the whole list, as before paging."""
    first = reply = await call(nc, service, seller, verb, request, reply_type, timeout=timeout)
    gathered = list(getattr(reply, items))
    while (cursor := reply.next_cursor) is not None:  # type: ignore[attr-defined]
        reply = await call(nc, service, seller, verb, msgspec.structs.replace(request, cursor=cursor), reply_type,
                           timeout=timeout)
        gathered += getattr(reply, items)
    return msgspec.structs.replace(first, **{items: gathered, "next_cursor": None})  # type: ignore[type-var]

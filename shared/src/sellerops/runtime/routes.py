"""Routes to handler functions, and the one way a handler gets its dependencies.

A service's `subscribers` module maps each consumed event type to a handler *function*, and each request verb
(an `EndpointSpec`) to one. Its `bootstrap` gathers the dependencies (stores, publisher, clock, policies) in a
`Dependencies`, keyed by the parameter names the handlers use. Binding a handler gives it the keyword
parameters it declares, from there, as `functools.partial` would (the cosmicpython bootstrap's
`inject_dependencies`): a handler never names a dependency it does not take, and one it takes but the service
did not provide fails at startup, naming the handler and the parameter, not at the first message.
"""

import inspect
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from datetime import datetime
from functools import partial
from typing import Any, Concatenate, TypeVar

from sellerops.contracts.envelope import Event

M = TypeVar("M")
Q = TypeVar("Q")
R = TypeVar("R")
O = TypeVar("O")
X = TypeVar("X")

EventHandler = Callable[Concatenate[Any, ...], Awaitable[None]]
Fire = Callable[[str, str, datetime], Awaitable[None]]


class MissingDependency(TypeError):
    """A handler takes a dependency its service's bootstrap did not provide."""


class Dependencies(Mapping[str, object]):
    """What a service's handlers may be given, by parameter name; `bind*` give a handler its own."""

    def __init__(self, deps: Mapping[str, object] | None = None, /, **more: object) -> None:
        self._deps: dict[str, object] = {**(deps or {}), **more}

    def __getitem__(self, name: str) -> object:
        return self._deps[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._deps)

    def __len__(self) -> int:
        return len(self._deps)

    def but(self, **changed: object) -> "Dependencies":
        """The same with some replaced (a handler that goes by another clock)."""
        return Dependencies(self._deps, **changed)

    def pick(self, handler: Callable[..., object], positional: int) -> dict[str, object]:
        """The keyword arguments `handler` takes from here; its first `positional` parameters are the message's."""
        params = list(inspect.signature(handler).parameters.values())[positional:]
        picked: dict[str, object] = {}
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if p.name in self._deps:
                picked[p.name] = self._deps[p.name]
            elif p.default is p.empty:
                raise MissingDependency(f"{_name(handler)} takes {p.name!r}, which the service does not provide")
        return picked

    def bind(self, handler: Callable[Concatenate[M, ...], Awaitable[R]]) -> Callable[[M], Awaitable[R]]:
        """An event handler `(event, **deps)` as `(event)`."""
        return partial(handler, **self.pick(handler, 1))

    def bind_request(self, handler: Callable[Concatenate[str, Q, ...], Awaitable[R]]
                     ) -> Callable[[str, Q], Awaitable[R]]:
        """A request handler `(seller, request, **deps)` as `(seller, request)`."""
        return partial(handler, **self.pick(handler, 2))

    def bind_effect(self, handler: Callable[Concatenate[O, X, ...], Awaitable[R]]) -> Callable[[O, X], Awaitable[R]]:
        """A pending effect's `carry_out(origin, effect, **deps)` as `(origin, effect)` (runtime.effects)."""
        return partial(handler, **self.pick(handler, 2))

    def bind_deadline(self, handler: Callable[Concatenate[str, str, datetime, ...], Awaitable[None]]) -> Fire:
        """A deadline handler `(key, kind, due, **deps)` as `(key, kind, due)`."""
        return partial(handler, **self.pick(handler, 3))

    async def __call__(self, handler: Callable[..., Awaitable[R]], *args: Any) -> R:
        """Bind and call at once (tests: `await h(handlers.on_order_placed, event)`)."""
        return await handler(*args, **self.pick(handler, len(args)))


def _name(handler: Callable[..., object]) -> str:
    inner = handler.func if isinstance(handler, partial) else handler
    return f"{getattr(inner, '__module__', '?')}.{getattr(inner, '__qualname__', repr(inner))}"


def bind_table(table: Mapping[type[Event], EventHandler], deps: Dependencies
               ) -> dict[type[Event], Callable[[Any], Awaitable[None]]]:
    """One consumer's route table bound: each event type to its handler with its dependencies."""
    bound: dict[EventHandler, Callable[[Any], Awaitable[None]]] = {}
    for handler in table.values():
        if handler not in bound:  # one partial per handler, shared by the event types routed to it
            bound[handler] = deps.bind(handler)
    return {event: bound[handler] for event, handler in table.items()}


def handlers_of(tables: Iterable[Mapping[type[Event], EventHandler]]) -> list[EventHandler]:
    """Every handler the tables route to, once each (what a test checks can be bound)."""
    seen: list[EventHandler] = []
    for table in tables:
        seen += [h for h in table.values() if h not in seen]
    return seen

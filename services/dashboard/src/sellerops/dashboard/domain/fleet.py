"""A seller's row on the fleet page, and the fleet page itself: filter, sort by risk, page. Pure."""

from dataclasses import dataclass, field
from datetime import datetime

from sellerops.dashboard.domain.parts import (
    CLAIM, MESSAGE, ORDER, RETURN, AccountPart, Flag, HealthPart, MeasureRow, WorkItem,
)

STATUS_RANK = {"DEACTIVATED": 0, "AT_RISK": 1, "NORMAL": 2}
STATUSES = ("DEACTIVATED", "AT_RISK", "NORMAL", "UNKNOWN")


@dataclass
class SellerParts:
    """Everything the index holds about one seller (the parts, by id)."""

    health: dict[str, HealthPart] = field(default_factory=dict)  # by marketplace
    account: dict[str, AccountPart] = field(default_factory=dict)  # by marketplace
    flags: dict[str, Flag] = field(default_factory=dict)
    work: dict[str, dict[str, WorkItem]] = field(default_factory=dict)  # kind -> ref -> item

    def open_work(self, kind: str) -> list[WorkItem]:
        items = [w for w in self.work.get(kind, {}).values() if w.open]
        return sorted(items, key=lambda w: (w.due_at is None, w.due_at or datetime.max, w.ref))


@dataclass(frozen=True)
class FleetRow:
    seller: str
    marketplace_id: str | None
    account_status: str  # UNKNOWN until health has answered
    rating: int | None
    rating_band: str | None
    measures: tuple[MeasureRow, ...]
    red_flags: int  # measures breached, or forecast to breach
    breached: int
    claims: int
    returns: int
    orders_due: int
    messages: int
    overdue: int  # work whose deadline passed unanswered
    as_of: datetime | None

    def risk(self) -> tuple:
        """Riskiest first: the status, then open breaches, the rating, overdue work, the name."""
        return (STATUS_RANK.get(self.account_status, 3), -self.breached, -self.red_flags,
                self.rating if self.rating is not None else 1001, -self.overdue, self.seller)


def row_of(seller: str, parts: SellerParts) -> FleetRow:
    health = max(parts.health.values(), key=lambda h: h.as_of, default=None)
    status, rating, band = (health.account_status, health.rating, health.rating_band) if health else ("UNKNOWN", None, None)
    change = parts.account.get(health.marketplace_id) if health else next(iter(parts.account.values()), None)
    if change is not None and (health is None or change.at > health.as_of):
        status, rating, band = change.current, change.rating, change.rating_band
    flags = [f for f in parts.flags.values() if f.open]
    work = {kind: [w for w in parts.work.get(kind, {}).values() if w.open] for kind in (ORDER, CLAIM, RETURN, MESSAGE)}
    return FleetRow(
        seller=seller, marketplace_id=health.marketplace_id if health else None, account_status=status,
        rating=rating, rating_band=band, measures=tuple(health.measures) if health else (),
        red_flags=len(flags), breached=sum(f.breached_at is not None for f in flags),
        claims=len(work[CLAIM]), returns=len(work[RETURN]), orders_due=len(work[ORDER]),
        messages=len(work[MESSAGE]), overdue=sum(w.missed for items in work.values() for w in items),
        as_of=health.as_of if health else None)


@dataclass(frozen=True)
class FleetQuery:
    text: str = ""  # part of the seller's name
    status: str | None = None  # one of STATUSES
    flagged: bool = False  # only sellers with an open red flag
    page: int = 1
    size: int = 50


@dataclass(frozen=True)
class FleetPage:
    rows: list[FleetRow]
    total: int  # sellers matching the filter
    sellers: int  # sellers known
    page: int
    pages: int
    by_status: dict[str, int]


def fleet_page(rows: list[FleetRow], query: FleetQuery, *, ranked: bool = False) -> FleetPage:
    """`ranked`: the rows already come riskiest first (the index keeps them so)."""
    by_status = dict.fromkeys(STATUSES, 0)
    for r in rows:
        by_status[r.account_status if r.account_status in by_status else "UNKNOWN"] += 1
    text = query.text.lower()
    found = [r for r in rows
             if (not text or text in r.seller.lower())
             and (query.status is None or r.account_status == query.status)
             and (not query.flagged or r.red_flags)]
    if not ranked:
        found.sort(key=FleetRow.risk)
    pages = max(1, -(-len(found) // query.size))
    start = (min(query.page, pages) - 1) * query.size
    return FleetPage(rows=found[start:start + query.size], total=len(found), sellers=len(rows),
                     page=min(query.page, pages), pages=pages, by_status=by_status)

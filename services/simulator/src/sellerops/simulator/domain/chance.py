"""Seeded randomness: one generator per seller, and the draws the model makes from it."""

import math
import random
from typing import Any


def seller_rng(seed: int, seller: str) -> random.Random:
    """Independent per seller: a seller's steps do not change when other sellers are added."""
    return random.Random(f"sellerops-sim/{seed}/{seller}")


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # normal approximation, plenty for volumes
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def pick(rng: random.Random, weights: dict[Any, float] | list[tuple[Any, float]]) -> Any:
    pairs = list(weights.items()) if isinstance(weights, dict) else weights
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def in_span(day: int, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= day < span[1]

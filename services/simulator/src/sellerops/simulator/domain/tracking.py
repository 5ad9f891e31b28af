"""Carrier tracking numbers: UPS 1Z numbers with their check digit."""

import random


def ups_check_digit(body: str) -> str:
    """UPS's 1Z check digit over the 15 characters after "1Z" (letters count as (ord - 63) % 10,
    weights 1, 2, 1, ... from the left)."""
    total = sum((int(c) if c.isdigit() else (ord(c) - 63) % 10) * (1 if i % 2 == 0 else 2)
                for i, c in enumerate(body))
    return str((10 - total % 10) % 10)


ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ups_tracking_number(rng: random.Random, shipper: str) -> str:
    """A UPS 1Z number: 6-character shipper account, 2-digit service, 7-digit package, check digit."""
    if len(shipper) != 6:
        raise ValueError("the UPS shipper account has 6 characters")
    body = shipper + rng.choice(("01", "02", "03", "12")) + f"{rng.randrange(10**7):07d}"
    return "1Z" + body + ups_check_digit(body)

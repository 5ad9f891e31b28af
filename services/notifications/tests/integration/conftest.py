from collections.abc import AsyncIterator

import pytest

from sellerops.notifications.settings import NotificationsSettings
from sellerops.testing.helpers import fact, runtime_for  # noqa: F401  (fact: re-exported for the tests)
from sellerops.testing.receiver import Receiver, http_receiver

SECRET = "whsec_integration_5d1a"


runtime = runtime_for


def notifications_settings(url: str, **changes: object) -> NotificationsSettings:
    return NotificationsSettings(runtime=runtime(url), **changes)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A webhook receiver that answers the statuses in its `script` in turn, then 200."""
    async with http_receiver() as rec:
        yield rec

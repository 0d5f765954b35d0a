from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from guildhall.embedded import EmbeddedGuildhall
from tests.support.backends import Backend
from tests.support.guildhall import ADMIN_KEY, GraphQL, running_guildhall


@pytest.fixture
async def guildhall(backend: Backend) -> AsyncIterator[EmbeddedGuildhall]:
    async with running_guildhall(backend) as running:
        yield running


@pytest.fixture
async def admin(guildhall: EmbeddedGuildhall) -> AsyncIterator[GraphQL]:
    """GraphQL as a platform admin (the bootstrap key)."""
    async with guildhall.client(api_key=ADMIN_KEY) as http:
        yield GraphQL(http)

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from tests.support.backends import Backend
from tests.support.guildhall import running_service


@pytest.fixture
async def membership(backend: Backend) -> AsyncIterator[FastAPI]:
    async with running_service(backend, "membership") as app:
        yield app

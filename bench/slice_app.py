"""The server under test for ``graphql_slice``: embedded Guildhall in one uvicorn process.

``/graphql`` and the rest go to the gateway; ``/svc/<service>/...`` goes straight to that service's
app, so the REST calls the gateway makes can be measured on their own, in the same process.
Configured by the usual ``GUILDHALL_*`` environment variables.
"""

from __future__ import annotations

from typing import Any

from bench.embedded_app import embedded_app, to_service


def create_app() -> Any:
    return embedded_app(to_service)

"""A service answers its most common reads once before it serves.

The first request of each kind compiles its SQL, builds its validators and serializers and fills the caches: a
levels read took 8.6 ms the first time and 1 ms after, a first GraphQL slice 22 ms against 8 ms, so the first
second after a start answered in 100 to 235 ms under load (issue #9). Serving processes (``guildhall serve``,
``guildhall dev``) warm each service app after its lifespan has started and before they take requests; tests do
not pay for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI

from kit.asgi import call_app
from kit.auth import PRINCIPAL_HEADER, SYSTEM, sign_principal

log = logging.getLogger(__name__)

# The community (and member) the warm-up reads name: our id shape, and nothing is ever made with it.
WARM_COMMUNITY = "cmty_0warmup"
WARM_MEMBER = "mbr_0warmup"


def warm_paths(app: FastAPI) -> Sequence[str]:
    paths: Sequence[str] = getattr(app.state, "warm_paths", ())
    return paths


async def warm_up(app: FastAPI) -> int:
    """GET each of the app's warm-up paths once as Guildhall itself; how many answered below 500. A failing one
    is logged and skipped: warming never stops a start."""
    header = sign_principal(SYSTEM, app.state.internal_secret)
    headers = [(PRINCIPAL_HEADER.lower().encode(), header.encode())]
    answered = 0
    for template in warm_paths(app):
        path = template.format(community=WARM_COMMUNITY, member=WARM_MEMBER)
        try:
            status = await call_app(app, "GET", path, headers)
        except Exception:
            log.warning("warm-up request failed", extra={"path": path}, exc_info=True)
            continue
        answered += status < 500
    return answered

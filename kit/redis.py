"""Redis clients: a real server by URL, or ``memory://[name]`` for the in-process stand-in (fakeredis).

Every client made for the same ``memory://`` name in one process talks to the same stand-in server,
so the parts of an embedded Guildhall share streams and caches exactly as they would on a real Redis.
"""

from __future__ import annotations

import fakeredis
from redis.asyncio import Redis

MEMORY_SCHEME = "memory://"

_memory_servers: dict[str, fakeredis.FakeServer] = {}


def is_memory(url: str) -> bool:
    return url.startswith(MEMORY_SCHEME)


def memory_server(name: str) -> fakeredis.FakeServer:
    if name not in _memory_servers:
        _memory_servers[name] = fakeredis.FakeServer()
    return _memory_servers[name]


def forget_memory_server(name: str) -> None:
    """Drop an in-process server: what a Redis restart that keeps nothing looks like."""
    _memory_servers.pop(name, None)


def create_redis(url: str) -> Redis:
    if is_memory(url):
        name = url.removeprefix(MEMORY_SCHEME) or "default"
        client: Redis = fakeredis.FakeAsyncRedis(server=memory_server(name))
        return client
    return Redis.from_url(url)

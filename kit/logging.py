"""Structured logging: one JSON object per line, with the request id of the work being done."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from kit.context import current_request_id

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if (request_id := current_request_id()) is not None:
            entry["request_id"] = request_id
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = {k: v for k, v in vars(record).items() if k not in _RESERVED}
        request_id = current_request_id()
        tail = " ".join(f"{k}={v}" for k, v in extras.items())
        head = f"{record.levelname.lower():7} {record.name}: {record.getMessage()}"
        line = " ".join(p for p in (head, f"request_id={request_id}" if request_id else "", tail) if p)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def level_of_status(status: int) -> int:
    """A client error (4xx) is the caller's to fix and no news to an operator: info, without a traceback. A
    server error (5xx) is a fault of ours: error, with the traceback that explains it."""
    return logging.ERROR if status >= 500 else logging.INFO


def configure_logging(level: str = "INFO", *, json_lines: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Our access log covers requests; httpx would log every gateway → service call a second time.
    for noisy in ("uvicorn.access", "alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

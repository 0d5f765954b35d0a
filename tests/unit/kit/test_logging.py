"""Log lines are JSON objects that carry the request id of the work being done."""

from __future__ import annotations

import json
import logging

from kit.context import request_id_var
from kit.logging import JsonFormatter


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("guildhall.test", logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    return record


def test_a_log_line_carries_the_request_id_and_extra_fields() -> None:
    token = request_id_var.set("req_abc")
    try:
        line = JsonFormatter().format(_record("community created", community_id="cmty_1"))
    finally:
        request_id_var.reset(token)

    entry = json.loads(line)
    assert entry["msg"] == "community created"
    assert entry["request_id"] == "req_abc"
    assert entry["community_id"] == "cmty_1"
    assert entry["level"] == "info"


def test_a_log_line_outside_a_request_has_no_request_id() -> None:
    entry = json.loads(JsonFormatter().format(_record("relay started")))

    assert "request_id" not in entry

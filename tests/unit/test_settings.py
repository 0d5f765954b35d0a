"""Settings that guard access."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.settings import GatewaySettings
from kit.settings import KitSettings


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_bootstrap_key_is_no_key(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    monkeypatch.setenv("GUILDHALL_BOOTSTRAP_API_KEY", blank)

    assert GatewaySettings().bootstrap_api_key is None


def test_production_refuses_the_development_internal_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUILDHALL_ENV", "prod")
    monkeypatch.delenv("GUILDHALL_INTERNAL_SECRET", raising=False)

    with pytest.raises(ValidationError, match="GUILDHALL_INTERNAL_SECRET"):
        KitSettings()

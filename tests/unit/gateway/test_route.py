"""Service paths are built from route templates, each value checked and escaped: an id cannot re-route a call."""

from __future__ import annotations

import pytest

from gateway.clients.base import ServiceProblem, idempotency_header, route

TIER = "/v1/communities/{community_id}/tiers/{tier_id}"


def test_ids_of_our_shape_fill_the_template() -> None:
    assert route(TIER, community_id="cmty_01abc", tier_id="tier_9z") == "/v1/communities/cmty_01abc/tiers/tier_9z"


@pytest.mark.parametrize(
    "tier_id", ["", ".", "..", "../../cmty_b/tiers/tier_b", "tier_a/../tier_b", "tier_\n", "tier_a?x=1", "TIER_A"]
)
def test_an_id_that_is_not_one_of_ours_is_not_found_naming_the_field(tier_id: str) -> None:
    with pytest.raises(ServiceProblem) as refused:
        route(TIER, community_id="cmty_a", tier_id=tier_id)

    assert (refused.value.status, refused.value.code) == (404, "tier_not_found")
    assert (refused.value.body.detail or "").startswith("tierId:")


@pytest.mark.parametrize("code", ["../x", "a/b", "sp ace", "引流", "%2e%2e"])
def test_other_values_are_escaped_into_one_segment(code: str) -> None:
    built = route("/v1/live-code-links/{code}/routings", code=code)

    assert built.startswith("/v1/live-code-links/") and built.endswith("/routings")
    assert built.count("/") == 4


@pytest.mark.parametrize("value", ["", "..", "."])
def test_an_empty_or_dot_segment_is_refused(value: str) -> None:
    with pytest.raises(ServiceProblem):
        route("/v1/live-code-links/{code}", code=value)


def test_a_printable_ascii_key_travels_as_it_is_and_any_other_as_its_digest() -> None:
    plain = idempotency_header("pay-1")
    chinese = idempotency_header("重试-1")
    percent = idempotency_header("100%")

    assert plain == {"Idempotency-Key": "pay-1"}
    assert chinese == idempotency_header("重试-1") != idempotency_header("重试-2")
    assert chinese is not None and chinese["Idempotency-Key"].isascii()
    assert percent is not None and percent["Idempotency-Key"] != "100%"
    assert idempotency_header(None) is None


@pytest.mark.parametrize("key", ["", "a\x00b", "tab\there", "x" * 256])
def test_an_empty_long_or_unprintable_key_is_invalid_input_naming_it(key: str) -> None:
    with pytest.raises(ServiceProblem) as refused:
        idempotency_header(key)

    assert refused.value.status == 422
    assert [e.field for e in refused.value.errors] == ["idempotency_key"]

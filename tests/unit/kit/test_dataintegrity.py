"""eddsa-rdfc-2022 proofs: a round trip, tampering, untrusted keys, contexts we do not hold, and Multikeys."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kit.dataintegrity import (
    SigningKey,
    base58btc,
    from_base58btc,
    multikey_in,
    public_key_of,
    sign,
    verify,
)

KEY = SigningKey.from_seed(bytes(range(32)))
OTHER = SigningKey.from_seed(bytes(32))
DOCUMENT: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"name": "张三丰", "score": 21},
}


def test_a_signed_document_verifies_with_its_key() -> None:
    signed = sign(DOCUMENT, KEY, created="2026-03-02T15:30:00Z")

    check = verify(signed, trusted_keys=[KEY.multikey])

    assert (check.verified, check.outcome) == (True, "valid")
    assert signed["proof"]["verificationMethod"] == f"did:key:{KEY.multikey}#{KEY.multikey}"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert KEY.multikey.startswith("z6Mk")


def test_member_order_and_whitespace_do_not_matter_but_any_change_of_content_does() -> None:
    signed = sign(DOCUMENT, KEY, created="2026-03-02T15:30:00Z")
    reordered = dict(reversed(list(signed.items())))
    renamed = copy.deepcopy(signed)
    renamed["credentialSubject"]["name"] = "张三"
    recreated = copy.deepcopy(signed)
    recreated["proof"]["created"] = "2027-01-01T00:00:00Z"

    assert verify(reordered, trusted_keys=[KEY.multikey]).verified
    assert verify(renamed, trusted_keys=[KEY.multikey]).outcome == "bad_signature"
    assert verify(recreated, trusted_keys=[KEY.multikey]).outcome == "bad_signature"


def test_a_proof_by_a_key_the_verifier_does_not_trust_fails() -> None:
    forged = sign(DOCUMENT, OTHER, created="2026-03-02T15:30:00Z")

    assert verify(forged, trusted_keys=[KEY.multikey]).outcome == "untrusted_key"
    assert verify(forged, trusted_keys=[KEY.multikey, OTHER.multikey]).verified  # a retired key still counts


def test_missing_and_malformed_proofs_fail() -> None:
    signed = sign(DOCUMENT, KEY, created="2026-03-02T15:30:00Z")
    garbled = copy.deepcopy(signed)
    garbled["proof"]["proofValue"] = "z0OIl"

    assert verify(DOCUMENT, trusted_keys=[KEY.multikey]).outcome == "missing"
    assert verify(garbled, trusted_keys=[KEY.multikey]).outcome == "malformed"


@pytest.mark.parametrize("data", [b"", b"\0\0\x01", b"hello world", bytes(range(256))])
def test_base58btc_round_trips_and_keeps_leading_zeros(data: bytes) -> None:
    assert from_base58btc(base58btc(data)) == data


def test_base58btc_matches_the_known_encoding() -> None:
    assert base58btc(b"Hello World!") == "2NEpo7TZRRrLZSi2U"


def test_a_multikey_names_the_same_public_key() -> None:
    assert public_key_of(KEY.multikey).public_bytes_raw() == KEY.private_key.public_key().public_bytes_raw()
    assert multikey_in(KEY.verification_method) == KEY.multikey
    assert multikey_in("https://example.org/keys/1") is None


def test_a_document_in_a_context_we_do_not_hold_is_not_canonicalized_from_the_network() -> None:
    signed = sign(DOCUMENT, KEY, created="2026-03-02T15:30:00Z")
    elsewhere = {**signed, "@context": [*DOCUMENT["@context"], "https://example.com/unknown-context.jsonld"]}

    assert verify(elsewhere, trusted_keys=[KEY.multikey]).outcome == "malformed"

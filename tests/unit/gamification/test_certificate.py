"""Certificate rules: serials with a check character, triggers, and the Open Badges 3.0 credential."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from kit.dataintegrity import SigningKey, sign, verify
from services.gamification.domain.certificate import (
    ALPHABET,
    CredentialFacts,
    Issuer,
    check_character,
    credential_of,
    encoded_list,
    format_serial,
    new_serial,
    parse_serial,
    trigger_problems,
)
from services.gamification.settings import GamificationSettings, issuer_from_settings, signing_key_from_settings

BODIES = st.text(alphabet=ALPHABET, min_size=15, max_size=15)
FACTS = CredentialFacts(
    serial="7K3M-Q9XD-2B4R-HT6W",
    community_id="cmty_1",
    template_id="ctpl_1",
    recipient_name="张三丰",
    achievement_name="完成了 21 天早起挑战",
    description="",
    issuer_name="晨读会",
    issued_at=datetime(2026, 3, 2, 15, 30, 12, 345678, tzinfo=UTC),
    status_index=70_001,
)
ISSUER = Issuer(key=SigningKey.from_seed(b"\x03" * 32), public_url="https://guild.example/")


def test_a_new_serial_is_grouped_unique_and_reads_back_as_itself() -> None:
    serials = {new_serial() for _ in range(200)}

    assert len(serials) == 200
    for serial in serials:
        assert len(serial) == 19 and serial.count("-") == 3
        assert parse_serial(serial) == serial


def test_a_serial_is_read_loosely_but_checked_strictly() -> None:
    serial = new_serial()
    loose = serial.replace("-", " ").lower().replace("0", "o").replace("1", "l")

    assert parse_serial(loose) == serial
    assert parse_serial(serial[:-1]) is None
    assert parse_serial(serial + "A") is None
    assert parse_serial(serial.replace(serial[0], "U", 1)) is None  # U is not in the alphabet


@given(BODIES, st.integers(0, 14), st.sampled_from(ALPHABET))
def test_changing_any_one_character_fails_the_check(body: str, index: int, replacement: str) -> None:
    chars = body + check_character(body)
    changed = chars[:index] + replacement + chars[index + 1 :]

    assert (parse_serial(changed) is None) == (changed != chars)


@given(BODIES, st.integers(0, 13))
def test_swapping_neighbours_fails_the_check(body: str, index: int) -> None:
    chars = body + check_character(body)
    swapped = chars[:index] + chars[index + 1] + chars[index] + chars[index + 2 :]

    # Luhn mod N can miss only the swap of two symbols whose values add up to N - 1 (e.g. 0 and Z).
    blind_spot = ALPHABET.index(chars[index]) + ALPHABET.index(chars[index + 1]) == 31
    if swapped != chars and not blind_spot:
        assert parse_serial(format_serial(swapped)) is None


@pytest.mark.parametrize(
    ("kind", "ref", "field"),
    [("lesson", "c1", "trigger_kind"), ("course", None, "trigger_ref"), ("manual", "x", "trigger_ref")],
)
def test_bad_triggers_name_their_field(kind: str, ref: str | None, field: str) -> None:
    assert [f for f, _ in trigger_problems(kind, ref)] == [field]


def test_good_triggers_pass() -> None:
    assert trigger_problems("manual", None) == trigger_problems("badge", "bdg_1") == []


def test_the_credential_is_an_open_badge_naming_the_recipient_and_its_status() -> None:
    credential = credential_of(FACTS, issuer=ISSUER)

    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "ob/v3p0" in credential["@context"][1]
    assert credential["id"] == "https://guild.example/certificates/7K3M-Q9XD-2B4R-HT6W"
    assert credential["validFrom"] == "2026-03-02T15:30:12Z"
    subject = credential["credentialSubject"]
    assert subject["identifier"][0] == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "张三丰",
    }
    assert subject["achievement"]["criteria"] == {"narrative": "完成了 21 天早起挑战"}
    assert credential["issuer"]["id"] == f"did:key:{ISSUER.key.multikey}"
    assert credential["credentialStatus"] == {
        "id": "https://guild.example/certificates/status-lists/cmty_1#70001",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "70001",
        "statusListCredential": "https://guild.example/certificates/status-lists/cmty_1",
    }


def test_a_status_list_sets_the_bits_of_revoked_certificates_left_to_right_and_is_gzip_base64url() -> None:
    encoded = encoded_list([0, 9, 131_071])
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))

    assert encoded.startswith("u") and "=" not in encoded
    assert len(bits) == 131_072 // 8
    assert (bits[0], bits[1], bits[-1]) == (0x80, 0x40, 0x01)
    assert sum(bin(byte).count("1") for byte in bits) == 3


def test_a_retired_key_stays_trusted_so_old_certificates_verify_after_rotation() -> None:
    old, new = SigningKey.from_seed(b"\x01" * 32), SigningKey.from_seed(b"\x02" * 32)
    old_issuer = Issuer(key=old, public_url="https://g.example")
    signed_before = sign(credential_of(FACTS, issuer=old_issuer), old, created="2026-03-02T15:30:12Z")
    rotated = Issuer(key=new, public_url="https://g.example", retired_keys=(old.multikey,))

    assert rotated.trusted_keys == [new.multikey, old.multikey]
    assert verify(signed_before, trusted_keys=rotated.trusted_keys).verified
    assert not verify(signed_before, trusted_keys=[new.multikey]).verified


def test_the_signing_key_comes_from_settings_is_required_in_production_and_must_be_32_bytes() -> None:
    seed = base64.b64encode(b"s" * 32).decode()
    explicit = signing_key_from_settings(GamificationSettings(certificate_signing_key=SecretStr(seed)))
    unpadded = signing_key_from_settings(GamificationSettings(certificate_signing_key=SecretStr(seed.rstrip("="))))
    derived = signing_key_from_settings(GamificationSettings(internal_secret=SecretStr("one")))
    other = signing_key_from_settings(GamificationSettings(internal_secret=SecretStr("two")))

    assert explicit.multikey == unpadded.multikey == SigningKey.from_seed(b"s" * 32).multikey
    assert derived.multikey != other.multikey
    with pytest.raises(ValueError, match="GUILDHALL_CERTIFICATE_SIGNING_KEY"):
        signing_key_from_settings(GamificationSettings(env="prod", internal_secret=SecretStr("a-real-secret")))
    with pytest.raises(ValueError, match="certificate_signing_key"):
        signing_key_from_settings(GamificationSettings(certificate_signing_key=SecretStr("c2hvcnQ")))


def test_retired_keys_from_settings_stay_trusted() -> None:
    old = SigningKey.from_seed(b"o" * 32).multikey
    issuer = issuer_from_settings(
        GamificationSettings(certificate_retired_keys=[old, " "], public_url="https://g.example")
    )

    assert issuer.trusted_keys == [issuer.key.multikey, old]
    assert issuer.page_url("7K3M-Q9XD-2B4R-HT6W") == "https://g.example/certificates/7K3M-Q9XD-2B4R-HT6W"

"""W3C Data Integrity proofs (VC Data Integrity EdDSA Cryptosuites v1.0) and Ed25519 Multikeys.

We sign with ``eddsa-rdfc-2022``, the suite Open Badges 3.0 conformance names: the proof configuration (the
proof without its ``proofValue``, in the document's ``@context``) and the document without its proof are each
canonicalized with RDFC-1.0 (``kit.jsonld``, by pyld) and hashed with SHA-256; Ed25519 signs the proof hash
followed by the document hash, and ``proofValue`` is that signature in multibase base58btc. ``eddsa-jcs-2022``
proofs (JCS by ``rfc8785``), which certificates carried before, are still verified until they are re-signed.
A public key is a Multikey: the multicodec ``ed25519-pub`` prefix and the 32 key bytes in base58btc,
``z6Mk…``; ``did:key`` names it without a server.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kit.jsonld import canonical_nquads

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
JCS_CRYPTOSUITE = "eddsa-jcs-2022"
ED25519_PUB_PREFIX = b"\xed\x01"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_BASE58[rest])
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + "".join(reversed(out))


def from_base58btc(text: str) -> bytes:
    number = 0
    for char in text:
        index = _BASE58.find(char)
        if index < 0:
            raise ValueError(f"{char!r} is not a base58btc character")
        number = number * 58 + index
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body


def multikey_of(public_key: Ed25519PublicKey) -> str:
    """The ``publicKeyMultibase`` of an Ed25519 key: ``z6Mk…``."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58btc(ED25519_PUB_PREFIX + raw)


def public_key_of(multikey: str) -> Ed25519PublicKey:
    if not multikey.startswith("z"):
        raise ValueError("a Multikey here is base58btc multibase (starts with 'z')")
    raw = from_base58btc(multikey[1:])
    if not raw.startswith(ED25519_PUB_PREFIX) or len(raw) != len(ED25519_PUB_PREFIX) + 32:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[len(ED25519_PUB_PREFIX) :])


def did_key_method(multikey: str) -> str:
    """The verification method of a key as ``did:key``: resolvable from the id alone, so rotation keeps
    old proofs checkable against any key still trusted."""
    return f"did:key:{multikey}#{multikey}"


def multikey_in(verification_method: str) -> str | None:
    """The Multikey a ``did:key`` verification method names, or None for any other kind of method."""
    if not verification_method.startswith("did:key:"):
        return None
    did, _, fragment = verification_method.partition("#")
    key = did.removeprefix("did:key:")
    return key if fragment in ("", key) else None


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def multikey(self) -> str:
        return multikey_of(self.private_key.public_key())

    @property
    def verification_method(self) -> str:
        return did_key_method(self.multikey)


def _canonical(value: Mapping[str, Any], cryptosuite: str) -> bytes:
    if cryptosuite == CRYPTOSUITE:
        return canonical_nquads(dict(value)).encode()
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError) as error:
        raise ValueError(f"not canonicalizable as JCS: {error}") from error


def _hash_data(document: Mapping[str, Any], options: Mapping[str, Any], cryptosuite: str) -> bytes:
    return (
        hashlib.sha256(_canonical(options, cryptosuite)).digest()
        + hashlib.sha256(_canonical(document, cryptosuite)).digest()
    )


def _proof_options(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in document:
        options["@context"] = document["@context"]
    return options


def sign(
    document: Mapping[str, Any], key: SigningKey, *, created: str, purpose: str = "assertionMethod"
) -> dict[str, Any]:
    """``document`` with a ``proof`` added (any earlier proof is replaced)."""
    unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": key.verification_method,
        "proofPurpose": purpose,
    }
    signature = key.private_key.sign(_hash_data(unsecured, _proof_options(unsecured, proof), CRYPTOSUITE))
    proof["proofValue"] = "z" + base58btc(signature)
    return {**unsecured, "proof": proof}


@dataclass(frozen=True)
class ProofCheck:
    verified: bool
    # valid | missing | unsupported | untrusted_key | bad_signature | malformed
    outcome: str
    verification_method: str | None = None


def verify(document: Mapping[str, Any], *, trusted_keys: Iterable[str]) -> ProofCheck:
    """Check the proof of ``document`` (``eddsa-rdfc-2022``, or an earlier ``eddsa-jcs-2022``) against the
    Multikeys the verifier trusts."""
    proof = document.get("proof")
    if not isinstance(proof, Mapping):
        return ProofCheck(False, "missing")
    cryptosuite = proof.get("cryptosuite")
    if proof.get("type") != PROOF_TYPE or cryptosuite not in (CRYPTOSUITE, JCS_CRYPTOSUITE):
        return ProofCheck(False, "unsupported")
    method = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str) or not value.startswith("z"):
        return ProofCheck(False, "malformed")
    multikey = multikey_in(method)
    if multikey is None or multikey not in set(trusted_keys):
        return ProofCheck(False, "untrusted_key", method)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        signature = from_base58btc(value[1:])
        hashed = _hash_data(unsecured, _proof_options(unsecured, proof), str(cryptosuite))
        public_key_of(multikey).verify(signature, hashed)
    except ValueError:
        return ProofCheck(False, "malformed", method)
    except InvalidSignature:
        return ProofCheck(False, "bad_signature", method)
    return ProofCheck(True, "valid", method)

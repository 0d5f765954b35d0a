"""``/certificates/{serial}``: anyone can check a certificate, with no login.

The gateway does not take the service's word for it: it re-checks the credential's ``eddsa-jcs-2022`` proof
(JCS canonical form, Ed25519) against the issuer keys gamification publishes, checks the credential is the
one of this serial, and reports a revocation. The page comes as HTML, as JSON (``.json``: the credential and
the verification result), as a picture (``.png``) and a printable PDF (``.pdf``); ``/status`` answers in the
shape of a 1EdTech revocation list, which the credential's ``credentialStatus`` names.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from string import Template
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from contracts.gamification.certificate import CertificateRead
from gateway.clients import GamificationClient, ServiceProblem
from gateway.public.certificate_render import (
    PDF_MEDIA_TYPE,
    PNG_MEDIA_TYPE,
    CertificateFace,
    render_pdf,
    render_png,
)
from kit.auth import SYSTEM
from kit.dataintegrity import verify
from kit.jsonld import OB3_CONTEXT, VC_CONTEXT

log = logging.getLogger("guildhall.certificates")

_SERIAL = re.compile(r"[A-Za-z0-9-]{4,40}")
# Drawing costs up to a second of CPU and a public link may be opened many times: the last few drawings are
# kept, keyed by everything drawn (a revocation changes the face, so it is drawn anew).
_png = lru_cache(maxsize=32)(render_png)
_pdf = lru_cache(maxsize=32)(render_pdf)
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


@dataclass(frozen=True)
class Verification:
    verified: bool  # signed by a trusted key, for this serial, and not revoked
    signature: str  # valid | missing | unsupported | untrusted_key | bad_signature | malformed
    verification_method: str | None
    serial_matches: bool
    status: str  # valid | revoked
    revoked_at: str | None
    revocation_reason: str | None


def verification_of(certificate: CertificateRead, trusted_keys: list[str]) -> Verification:
    proof = verify(certificate.credential, trusted_keys=trusted_keys)
    credential_id = certificate.credential.get("id")
    serial_matches = isinstance(credential_id, str) and credential_id.endswith(f"/certificates/{certificate.serial}")
    revoked = certificate.revoked_at is not None
    return Verification(
        verified=proof.verified and serial_matches and not revoked,
        signature=proof.outcome,
        verification_method=proof.verification_method,
        serial_matches=serial_matches,
        status="revoked" if revoked else "valid",
        revoked_at=certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        revocation_reason=certificate.revocation_reason,
    )


class _Unavailable(Exception):
    pass


def _client(request: Request) -> GamificationClient:
    state = request.app.state
    return GamificationClient(state.connections.gamification, principal=SYSTEM, secret=state.internal_secret)


async def _lookup(request: Request, serial: str) -> tuple[CertificateRead, Verification] | None:
    """The certificate and its verification, or None when there is no such certificate."""
    if not _SERIAL.fullmatch(serial):
        return None
    client = _client(request)
    try:
        certificate, keys = await asyncio.gather(client.certificate_by_serial(serial), client.issuer_keys())
    except ServiceProblem as problem:
        if problem.status == 404:
            return None
        log.warning("certificate lookup: gamification refused", extra={"code": problem.code})
        raise _Unavailable from problem
    return certificate, verification_of(certificate, [k.public_key_multibase for k in keys.keys])


def _face(certificate: CertificateRead) -> CertificateFace:
    # The description as signed; the credential repeats the achievement's name when there is none.
    achievement = certificate.credential.get("credentialSubject", {}).get("achievement", {})
    description = str(achievement.get("description") or "")
    return CertificateFace(
        recipient_name=certificate.recipient_name,
        achievement_name=certificate.achievement_name,
        description="" if description == certificate.achievement_name else description,
        issuer_name=certificate.issuer_name,
        issued_on=certificate.issued_at.date().isoformat(),
        serial=certificate.serial,
        url=certificate.url,
        revoked=certificate.revoked_at is not None,
    )


_PAGE = Template(
    """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>body{font-family:system-ui,"Noto Sans SC","PingFang SC",sans-serif;max-width:40rem;margin:3rem auto;
padding:0 1rem;line-height:1.6;color:#26263a}.status{padding:.75rem 1rem;border-radius:.5rem;font-weight:600}
.valid{background:#e7f6ec;color:#14532d}.invalid{background:#fde8ea;color:#8a1020}dt{color:#6e6e7d}
dd{margin:0 0 .75rem 0;font-size:1.1rem}img{max-width:100%;border:1px solid #ddd}</style>
</head><body>
$body
</body></html>
"""
)


def _html(status: int, title: str, body: str) -> HTMLResponse:
    return HTMLResponse(_PAGE.substitute(title=html.escape(title), body=body), status_code=status)


def _not_found_page() -> HTMLResponse:
    text = "No certificate has this serial. Check it against the certificate. 未找到此编号的证书。"
    return _html(404, "Certificate not found", f"<h1>Certificate not found</h1><p>{html.escape(text)}</p>")


def _unavailable_page() -> HTMLResponse:
    return _html(503, "Try again later", "<h1>Try again later</h1><p>We cannot check certificates just now.</p>")


_SIGNATURE_TEXT = {
    "valid": "valid: signed by the issuer's key",
    "untrusted_key": "not signed by a key of this issuer",
    "bad_signature": "does not match: the credential was changed after signing",
}


def _certificate_page(certificate: CertificateRead, check: Verification) -> HTMLResponse:
    e = html.escape
    serial = e(certificate.serial)
    if check.status == "revoked":
        verdict = f"Revoked 已撤销 — {e(check.revocation_reason or '')}"
    elif check.verified:
        verdict = "Valid 有效"
    else:
        verdict = "Not valid 无效"
    signature = _SIGNATURE_TEXT.get(check.signature, check.signature.replace("_", " "))
    revoked_row = (
        f"<dt>Revoked 撤销于</dt><dd>{e(check.revoked_at or '')} — {e(check.revocation_reason or '')}</dd>"
        if check.status == "revoked"
        else ""
    )
    body = f"""<h1>{e(certificate.achievement_name)}</h1>
<p class="status {"valid" if check.verified else "invalid"}">{verdict}</p>
<dl>
<dt>Awarded to 获得者</dt><dd>{e(certificate.recipient_name)}</dd>
<dt>Issued by 颁发者</dt><dd>{e(certificate.issuer_name)}</dd>
<dt>Issued on 颁发日期</dt><dd>{e(certificate.issued_at.date().isoformat())}</dd>
<dt>Serial 编号</dt><dd>{serial}</dd>
{revoked_row}
<dt>Signature 签名</dt><dd>{e(signature)}</dd>
</dl>
<p><img src="{serial}.png" alt="{e(certificate.achievement_name)}"></p>
<p><a href="{serial}.pdf">PDF</a> · <a href="{serial}.png">PNG</a> ·
<a href="{serial}.json">JSON (Open Badges 3.0)</a></p>
"""
    return _html(200, f"{certificate.achievement_name} — {certificate.recipient_name}", body)


def _problem(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {"title": detail, "status": status, "code": code, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


def _json_not_found() -> JSONResponse:
    return _problem(404, "certificate_not_found", "no certificate has this serial")


def certificate_router() -> APIRouter:
    router = APIRouter(tags=["certificates"])

    @router.get("/certificates/keys")
    async def issuer_keys(request: Request) -> Response:
        """The issuer's public keys as Multikeys: the current one and retired ones that still verify."""
        try:
            keys = await _client(request).issuer_keys()
        except ServiceProblem:
            return _problem(503, "service_unavailable", "try again later")
        documents = [
            {
                "@context": MULTIKEY_CONTEXT,
                "id": key.id,
                "type": "Multikey",
                "controller": key.id.partition("#")[0],
                "publicKeyMultibase": key.public_key_multibase,
                "current": key.current,
            }
            for key in keys.keys
        ]
        return JSONResponse({"keys": documents})

    @router.get("/certificates/status-lists/{community_id}")
    async def status_list(community_id: str, request: Request) -> Response:
        """A community's signed W3C BitstringStatusListCredential: what verifiers check for revocation."""
        try:
            credential = await _client(request).certificate_status_list(community_id)
        except ServiceProblem as problem:
            if problem.status == 404:
                return _problem(404, "status_list_not_found", "no status list for this community")
            return _problem(503, "service_unavailable", "try again later")
        return JSONResponse(credential, media_type="application/vc+ld+json")

    @router.get("/certificates/issuers/{community_id}")
    async def issuer_profile(community_id: str, request: Request) -> Response:
        """The issuer profile certificates point at: the did:key that signs them, and its keys."""
        try:
            keys = await _client(request).issuer_keys()
        except ServiceProblem:
            return _problem(503, "service_unavailable", "try again later")
        current = next(key for key in keys.keys if key.current)
        did = current.id.partition("#")[0]
        profile = {
            "@context": [VC_CONTEXT, OB3_CONTEXT],
            "id": did,
            "type": ["Profile"],
            "url": str(request.url),
            "verificationMethod": [
                {"id": key.id, "type": "Multikey", "controller": did, "publicKeyMultibase": key.public_key_multibase}
                for key in keys.keys
            ],
        }
        return JSONResponse(profile)

    @router.get("/certificates/{serial}.json")
    async def certificate_json(serial: str, request: Request) -> Response:
        try:
            found = await _lookup(request, serial)
        except _Unavailable:
            return _problem(503, "service_unavailable", "try again later")
        if found is None:
            return _json_not_found()
        certificate, check = found
        body: dict[str, Any] = {
            "serial": certificate.serial,
            "credential": certificate.credential,
            "verification": asdict(check),
        }
        return JSONResponse(body)

    @router.get("/certificates/{serial}.png")
    async def certificate_png(serial: str, request: Request) -> Response:
        return await _picture(request, serial, pdf=False)

    @router.get("/certificates/{serial}.pdf")
    async def certificate_pdf(serial: str, request: Request) -> Response:
        return await _picture(request, serial, pdf=True)

    @router.get("/certificates/{serial}/status")
    async def certificate_status(serial: str, request: Request) -> Response:
        """A plain summary of this credential's revocation (verifiers read the status list it names)."""
        try:
            found = await _lookup(request, serial)
        except _Unavailable:
            return _problem(503, "service_unavailable", "try again later")
        if found is None:
            return _json_not_found()
        certificate, check = found
        revoked = [
            {"id": certificate.credential.get("id"), "revoked": True, "revocationReason": check.revocation_reason}
        ]
        body = {
            "id": str(request.url),
            "issuer": certificate.credential.get("issuer", {}).get("id"),
            "revokedCredentials": revoked if check.status == "revoked" else [],
        }
        return JSONResponse(body)

    @router.get("/certificates/{serial}", response_class=HTMLResponse)
    async def certificate_page(serial: str, request: Request) -> Response:
        try:
            found = await _lookup(request, serial)
        except _Unavailable:
            return _unavailable_page()
        if found is None:
            return _not_found_page()
        return _certificate_page(*found)

    return router


async def _picture(request: Request, serial: str, *, pdf: bool) -> Response:
    try:
        found = await _lookup(request, serial)
    except _Unavailable:
        return _unavailable_page()
    if found is None:
        return _not_found_page()
    certificate, _ = found
    face = _face(certificate)
    # Drawing takes a few hundred milliseconds of CPU: off the event loop.
    content = await asyncio.to_thread(_pdf if pdf else _png, face)
    suffix = "pdf" if pdf else "png"
    return Response(
        content,
        media_type=PDF_MEDIA_TYPE if pdf else PNG_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="certificate-{certificate.serial}.{suffix}"'},
    )

"""``/v1/communities/{community_id}/certificate-templates`` and ``.../certificates``: templates, issuing by
hand, members' certificates, revocation; and, for the gateway's public pages, ``/v1/certificates/{serial}``
and ``/v1/certificate-keys``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.certificate import (
    CertificateIssue,
    CertificatePage,
    CertificateRead,
    IssuerKey,
    IssuerKeys,
    Revocation,
    TemplateCreate,
    TemplateRead,
    TemplateUpdate,
)
from kit.auth import Principal, ensure_community_access
from kit.dataintegrity import did_key_method
from kit.errors import NotFound
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.gamification.models.certificate import Certificate
from services.gamification.usecases import certificate as usecases

router = APIRouter(tags=["certificates"])
COMMUNITY = "/v1/communities/{community_id}"


def _read(session: AsyncSession, certificate: Certificate) -> CertificateRead:
    read = CertificateRead.model_validate(certificate)
    read.url = usecases.issuer_of(session).page_url(certificate.serial)
    return read


@router.post(f"{COMMUNITY}/certificate-templates", status_code=201, response_model=TemplateRead)
async def create_template(
    community_id: str,
    body: TemplateCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)

    async def create() -> TemplateRead:
        template = await usecases.create_template(
            session, community_id=community_id, at=clocks.now(community_id), **body.model_dump()
        )
        return TemplateRead.model_validate(template)

    return await idempotency.run(create)


@router.get(f"{COMMUNITY}/certificate-templates")
async def list_templates(community_id: str, session: SessionDep, principal: PrincipalDep) -> list[TemplateRead]:
    ensure_community_access(principal, community_id)
    return [TemplateRead.model_validate(t) for t in await usecases.list_templates(session, community_id=community_id)]


@router.get(f"{COMMUNITY}/certificate-templates/{{template_id}}")
async def get_template(
    community_id: str, template_id: str, session: SessionDep, principal: PrincipalDep
) -> TemplateRead:
    ensure_community_access(principal, community_id)
    template = await usecases.template_or_raise(session, community_id=community_id, template_id=template_id)
    return TemplateRead.model_validate(template)


@router.patch(f"{COMMUNITY}/certificate-templates/{{template_id}}")
async def change_template(
    community_id: str,
    template_id: str,
    body: TemplateUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> TemplateRead:
    """Change (or disable, ``enabled: false``) a template; certificates already issued keep their texts."""
    ensure_community_access(principal, community_id)
    template = await usecases.change_template(
        session, community_id=community_id, template_id=template_id, changes=body.changes(), at=clocks.now(community_id)
    )
    return TemplateRead.model_validate(template)


@router.post(f"{COMMUNITY}/certificates", status_code=201, response_model=CertificateRead)
async def issue_certificate(
    community_id: str,
    body: CertificateIssue,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Issue by hand; with an ``Idempotency-Key``, a retry answers the same certificate."""
    ensure_community_access(principal, community_id)

    async def issue() -> CertificateRead:
        certificate = await usecases.issue_manually(
            session,
            community_id=community_id,
            template_id=body.template_id,
            member_id=body.member_id,
            recipient_name=body.recipient_name,
            at=clocks.now(community_id),
            idempotency_key=idempotency.key,
        )
        return _read(session, certificate)

    return await idempotency.run(issue)


@router.get(f"{COMMUNITY}/certificates")
async def list_certificates(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    member_id: Annotated[str | None, Query(max_length=40)] = None,
    template_id: Annotated[str | None, Query(max_length=40)] = None,
) -> CertificatePage:
    """Newest first, of one member or template when asked."""
    ensure_community_access(principal, community_id)
    result = await usecases.certificates(
        session, community_id=community_id, member_id=member_id, template_id=template_id, page=page
    )
    return CertificatePage(items=[_read(session, c) for c in result.items], next_cursor=result.next_cursor)


@router.get(f"{COMMUNITY}/certificates/{{certificate_id}}")
async def get_certificate(
    community_id: str, certificate_id: str, session: SessionDep, principal: PrincipalDep
) -> CertificateRead:
    ensure_community_access(principal, community_id)
    certificate = await usecases.certificate_or_raise(session, community_id=community_id, certificate_id=certificate_id)
    return _read(session, certificate)


@router.post(f"{COMMUNITY}/certificates/{{certificate_id}}/revocation")
async def revoke_certificate(
    community_id: str,
    certificate_id: str,
    body: Revocation,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> CertificateRead:
    """Revoke with a reason; revoking again changes nothing and answers the first revocation."""
    ensure_community_access(principal, community_id)
    certificate = await usecases.revoke(
        session,
        community_id=community_id,
        certificate_id=certificate_id,
        reason=body.reason,
        at=clocks.now(community_id),
    )
    return _read(session, certificate)


def _ensure_internal(principal: Principal) -> None:
    # Serials are unique across communities: only Guildhall itself (the gateway's public pages) looks them up.
    if not principal.is_platform_admin:
        raise NotFound("not found", code="not_found")


@router.get("/v1/certificates/{serial}")
async def certificate_by_serial(serial: str, session: SessionDep, principal: PrincipalDep) -> CertificateRead:
    _ensure_internal(principal)
    return _read(session, await usecases.by_serial_or_raise(session, serial=serial))


@router.get("/v1/certificate-keys")
async def issuer_keys(session: SessionDep, principal: PrincipalDep) -> IssuerKeys:
    """The public keys certificates verify against: the current one and every retired one still trusted."""
    _ensure_internal(principal)
    issuer = usecases.issuer_of(session)
    return IssuerKeys(
        keys=[
            IssuerKey(id=did_key_method(k), public_key_multibase=k, current=k == issuer.key.multikey)
            for k in issuer.trusted_keys
        ]
    )


@router.get(f"{COMMUNITY}/certificate-status-list")
async def certificate_status_list(
    community_id: str, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> dict[str, Any]:
    """The community's signed W3C BitstringStatusListCredential (revocation): the gateway serves it publicly."""
    ensure_community_access(principal, community_id)
    return await usecases.status_list(session, community_id=community_id, at=clocks.now(community_id))

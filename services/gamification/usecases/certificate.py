"""Certificates: templates, issuance (automatic on a completed challenge or an awarded badge, or by hand),
signing, revocation, and the lookup by serial behind the public verification page.

A certificate is unique per (template, member, source), so a redelivered event issues nothing twice: the
insert does nothing and the certificate already issued is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import CertificateIssued, CertificateRevoked
from kit.dataintegrity import sign
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from kit.pagination import Page, PageRequest
from services.gamification.domain.certificate import (
    CredentialFacts,
    Issuer,
    TriggerKind,
    credential_of,
    iso,
    new_serial,
    new_status_index,
    parse_serial,
    status_list_credential,
    trigger_problems,
)
from services.gamification.models.certificate import Certificate, CertificateTemplate
from services.gamification.repo.badge import BadgeRepository
from services.gamification.repo.certificate import CertificateRepository

ISSUER_INFO_KEY = "certificate_issuer"
_STATUS_INDEX_TRIES = 8
TEMPLATE_FIELDS = ("name", "achievement_name", "description", "issuer_name", "trigger_kind", "trigger_ref", "enabled")


class TemplateNotFound(NotFound):
    code = "certificate_template_not_found"


class CertificateNotFound(NotFound):
    code = "certificate_not_found"


def issuer_of(session: AsyncSession) -> Issuer:
    """The signer, set on every session of the service by its lifespan."""
    issuer: Issuer | None = session.info.get(ISSUER_INFO_KEY)
    if issuer is None:
        raise RuntimeError("the gamification app's lifespan puts the certificate issuer in session.info")
    return issuer


async def _check_template(
    session: AsyncSession, template: CertificateTemplate, *, community_id: str, renamed: bool
) -> None:
    InvalidInput.raise_any(trigger_problems(template.trigger_kind, template.trigger_ref))
    repo = CertificateRepository(session)
    if renamed and await repo.template_named(community_id, template.name) is not None:
        raise Conflict(f"name: a certificate template named {template.name!r} exists", code="template_name_taken")
    badge_id = template.trigger_ref if template.trigger_kind == TriggerKind.BADGE else None
    if badge_id is not None and await BadgeRepository(session).get(community_id, badge_id) is None:
        InvalidInput.raise_any([("trigger_ref", f"badge {badge_id} not found in this community")])


async def create_template(
    session: AsyncSession,
    *,
    community_id: str,
    name: str,
    achievement_name: str,
    description: str,
    issuer_name: str,
    trigger_kind: str,
    trigger_ref: str | None,
    at: datetime,
) -> CertificateTemplate:
    template = CertificateTemplate(
        id=new_id("ctpl"),
        community_id=community_id,
        name=name,
        achievement_name=achievement_name,
        description=description,
        issuer_name=issuer_name,
        trigger_kind=trigger_kind,
        trigger_ref=trigger_ref,
        created_at=at,
        updated_at=at,
    )
    await _check_template(session, template, community_id=community_id, renamed=True)
    CertificateRepository(session).add(template)
    return template


async def list_templates(session: AsyncSession, *, community_id: str) -> Sequence[CertificateTemplate]:
    return await CertificateRepository(session).templates(community_id)


async def template_or_raise(session: AsyncSession, *, community_id: str, template_id: str) -> CertificateTemplate:
    template = await CertificateRepository(session).template(community_id, template_id)
    if template is None:
        raise TemplateNotFound(f"certificate template {template_id} not found")
    return template


async def change_template(
    session: AsyncSession, *, community_id: str, template_id: str, changes: dict[str, Any], at: datetime
) -> CertificateTemplate:
    """Only the keys given change; certificates already issued keep their texts."""
    template = await template_or_raise(session, community_id=community_id, template_id=template_id)
    renamed = "name" in changes and changes["name"] != template.name
    if changes.get("trigger_kind") == TriggerKind.MANUAL and "trigger_ref" not in changes:
        changes = {**changes, "trigger_ref": None}
    for key in TEMPLATE_FIELDS:
        if key in changes:
            setattr(template, key, changes[key])
    await _check_template(session, template, community_id=community_id, renamed=renamed)
    template.updated_at = at
    session.add(template)
    return template


async def remember_name(session: AsyncSession, *, community_id: str, member_id: str, name: str, at: datetime) -> None:
    if name.strip():
        await CertificateRepository(session).remember_name(
            community_id=community_id, member_id=member_id, display_name=name.strip()[:100], at=at
        )


async def issue(
    session: AsyncSession,
    template: CertificateTemplate,
    *,
    member_id: str,
    source: str,
    at: datetime,
    recipient_name: str | None = None,
) -> tuple[Certificate, bool]:
    """Issue ``template`` to the member for ``source``: (the certificate, whether it is new)."""
    repo = CertificateRepository(session)
    community_id = template.community_id
    # Without a name from membership the member's id stands in: a certificate is never held back for it.
    name = recipient_name or await repo.name_of(community_id, member_id) or member_id
    issuer = issuer_of(session)
    serial = new_serial()
    certificate = Certificate(
        id=new_id("cert"),
        serial=serial,
        community_id=community_id,
        template_id=template.id,
        member_id=member_id,
        recipient_name=name,
        achievement_name=template.achievement_name,
        issuer_name=template.issuer_name,
        source=source,
        issued_at=at,
    )
    if not await _insert_with_a_free_status_index(repo, certificate, template, issuer):
        held = await repo.by_source(community_id, template_id=template.id, member_id=member_id, source=source)
        return held, False
    event = CertificateIssued(
        member_id=member_id,
        certificate_id=certificate.id,
        template_id=template.id,
        serial=certificate.serial,
        achievement_name=certificate.achievement_name,
        recipient_name=name,
        url=issuer.page_url(certificate.serial),
    )
    await emit(session, event, community_id=community_id, at=at)
    return certificate, True


def _facts(certificate: Certificate, template: CertificateTemplate | None, status_index: int) -> CredentialFacts:
    return CredentialFacts(
        serial=certificate.serial,
        community_id=certificate.community_id,
        template_id=certificate.template_id,
        recipient_name=certificate.recipient_name,
        achievement_name=certificate.achievement_name,
        description=template.description if template is not None else certificate.achievement_name,
        issuer_name=certificate.issuer_name,
        issued_at=certificate.issued_at,
        status_index=status_index,
    )


def _signed(certificate: Certificate, template: CertificateTemplate | None, issuer: Issuer, status_index: int) -> Any:
    facts = _facts(certificate, template, status_index)
    return sign(credential_of(facts, issuer=issuer), issuer.key, created=iso(certificate.issued_at))


async def _insert_with_a_free_status_index(
    repo: CertificateRepository, certificate: Certificate, template: CertificateTemplate, issuer: Issuer
) -> bool:
    """Insert the certificate at a random free place of its community's status list (a place already taken
    is tried again elsewhere, inside a savepoint): False when its source already has a certificate."""
    for _ in range(_STATUS_INDEX_TRIES):
        index = new_status_index()
        certificate.status_index = index
        certificate.credential = _signed(certificate, template, issuer, index)
        try:
            async with repo.session.begin_nested():
                return await repo.insert(certificate.model_dump())
        except IntegrityError:
            if not await repo.status_index_taken(certificate.community_id, index):
                raise
    raise RuntimeError(f"no free status-list place found in {_STATUS_INDEX_TRIES} tries")


async def status_list(session: AsyncSession, *, community_id: str, at: datetime) -> dict[str, Any]:
    """The community's signed BitstringStatusListCredential, as of ``at``: the revoked certificates' bits set."""
    issuer = issuer_of(session)
    revoked = await CertificateRepository(session).revoked_status_indexes(community_id)
    unsigned = status_list_credential(issuer=issuer, community_id=community_id, revoked=revoked, valid_from=at)
    return sign(unsigned, issuer.key, created=iso(at))


async def resign(session: AsyncSession, *, community_id: str | None, dry_run: bool) -> int:
    """Sign every certificate (of one community, or all) again with the current key and suite, giving those
    issued before status lists a place in theirs; the texts stay as issued. How many were (or would be) signed."""
    repo = CertificateRepository(session)
    issuer = issuer_of(session)
    count = 0
    for certificate in await repo.all(community_id):
        count += 1
        if dry_run:
            continue
        template = await repo.template(certificate.community_id, certificate.template_id)
        index = certificate.status_index
        while index is None or (
            certificate.status_index is None and await repo.status_index_taken(certificate.community_id, index)
        ):
            index = new_status_index()
        certificate.status_index = index
        certificate.credential = _signed(certificate, template, issuer, index)
        session.add(certificate)
        await session.flush()
    return count


async def issue_manually(
    session: AsyncSession,
    *,
    community_id: str,
    template_id: str,
    member_id: str,
    recipient_name: str | None,
    at: datetime,
    idempotency_key: str | None,
) -> Certificate:
    template = await template_or_raise(session, community_id=community_id, template_id=template_id)
    if not template.enabled:
        raise Conflict(f"certificate template {template_id} is disabled", code="certificate_template_disabled")
    source = f"manual:{idempotency_key or new_id('key')}"
    certificate, _ = await issue(
        session, template, member_id=member_id, source=source, at=at, recipient_name=recipient_name
    )
    return certificate


async def issue_for(
    session: AsyncSession, *, community_id: str, kind: TriggerKind, ref: str, member_id: str, source: str, at: datetime
) -> list[Certificate]:
    """What the templates triggered by ``kind``/``ref`` issue to the member (the consumer's path)."""
    issued = []
    for template in await CertificateRepository(session).triggered_by(community_id, kind=kind, ref=ref):
        certificate, new = await issue(session, template, member_id=member_id, source=source, at=at)
        if new:
            issued.append(certificate)
    return issued


async def certificates(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str | None,
    template_id: str | None,
    page: PageRequest,
) -> Page[Certificate]:
    rows = await CertificateRepository(session).page(
        community_id, member_id=member_id, template_id=template_id, before=page.after, limit=page.limit + 1
    )
    return Page.from_rows(list(rows), page=page, key=lambda c: c.id)


async def certificate_or_raise(session: AsyncSession, *, community_id: str, certificate_id: str) -> Certificate:
    certificate = await CertificateRepository(session).get(community_id, certificate_id)
    if certificate is None:
        raise CertificateNotFound(f"certificate {certificate_id} not found")
    return certificate


async def by_serial_or_raise(session: AsyncSession, *, serial: str) -> Certificate:
    canonical = parse_serial(serial)
    certificate = await CertificateRepository(session).by_serial(canonical) if canonical else None
    if certificate is None:
        raise CertificateNotFound(f"certificate {serial} not found")
    return certificate


async def revoke(
    session: AsyncSession, *, community_id: str, certificate_id: str, reason: str, at: datetime
) -> Certificate:
    """Revoke once: revoking again answers the certificate as it was revoked the first time."""
    certificate = await certificate_or_raise(session, community_id=community_id, certificate_id=certificate_id)
    if certificate.revoked_at is not None:
        return certificate
    if not await CertificateRepository(session).revoke(community_id, certificate_id, reason=reason, at=at):
        await session.refresh(certificate)  # revoked meanwhile by a concurrent call: answer that revocation
        return certificate
    await session.refresh(certificate)
    event = CertificateRevoked(
        member_id=certificate.member_id, certificate_id=certificate.id, serial=certificate.serial, reason=reason
    )
    await emit(session, event, community_id=community_id, at=at)
    return certificate

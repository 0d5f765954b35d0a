"""Statements over certificate templates, certificates and members' names, scoped by community (except the
lookup by serial, which is unique across communities: it is what the public verification page asks by)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.models.certificate import Certificate, CertificateTemplate, MemberName
from services.gamification.repo.ledger import insert_for

CERTIFICATE = Certificate.__table__  # type: ignore[attr-defined]
MEMBER_NAME = MemberName.__table__  # type: ignore[attr-defined]


class CertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: CertificateTemplate | Certificate) -> None:
        self.session.add(row)

    async def templates(self, community_id: str) -> Sequence[CertificateTemplate]:
        query = select(CertificateTemplate).where(CertificateTemplate.community_id == community_id)
        return (await self.session.exec(query.order_by(col(CertificateTemplate.id)))).all()

    async def template(self, community_id: str, template_id: str) -> CertificateTemplate | None:
        query = select(CertificateTemplate).where(
            CertificateTemplate.community_id == community_id, CertificateTemplate.id == template_id
        )
        return (await self.session.exec(query)).first()

    async def template_named(self, community_id: str, name: str) -> CertificateTemplate | None:
        query = select(CertificateTemplate).where(
            CertificateTemplate.community_id == community_id, CertificateTemplate.name == name
        )
        return (await self.session.exec(query)).first()

    async def triggered_by(self, community_id: str, *, kind: str, ref: str) -> Sequence[CertificateTemplate]:
        query = select(CertificateTemplate).where(
            CertificateTemplate.community_id == community_id,
            CertificateTemplate.trigger_kind == kind,
            CertificateTemplate.trigger_ref == ref,
            col(CertificateTemplate.enabled).is_(True),
        )
        return (await self.session.exec(query.order_by(col(CertificateTemplate.id)))).all()

    async def insert(self, values: dict[str, Any]) -> bool:
        """Add a certificate; False when its (template, member, source) already has one."""
        connection = await self.session.connection()
        statement = (
            insert_for(connection)(CERTIFICATE)
            .values(values)
            .on_conflict_do_nothing(index_elements=["community_id", "template_id", "member_id", "source"])
            .returning(CERTIFICATE.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def status_index_taken(self, community_id: str, index: int) -> bool:
        query = select(Certificate.id).where(
            Certificate.community_id == community_id, Certificate.status_index == index
        )
        return (await self.session.exec(query)).first() is not None

    async def revoked_status_indexes(self, community_id: str) -> list[int]:
        query = select(Certificate.status_index).where(
            Certificate.community_id == community_id,
            col(Certificate.revoked_at).is_not(None),
            col(Certificate.status_index).is_not(None),
        )
        return [index for index in (await self.session.exec(query)).all() if index is not None]

    async def all(self, community_id: str | None) -> Sequence[Certificate]:
        query = select(Certificate).order_by(col(Certificate.id))
        if community_id is not None:
            query = query.where(Certificate.community_id == community_id)
        return (await self.session.exec(query)).all()

    async def get(self, community_id: str, certificate_id: str) -> Certificate | None:
        query = select(Certificate).where(Certificate.community_id == community_id, Certificate.id == certificate_id)
        return (await self.session.exec(query)).first()

    async def by_source(self, community_id: str, *, template_id: str, member_id: str, source: str) -> Certificate:
        query = select(Certificate).where(
            Certificate.community_id == community_id,
            Certificate.template_id == template_id,
            Certificate.member_id == member_id,
            Certificate.source == source,
        )
        return (await self.session.exec(query)).one()

    async def by_serial(self, serial: str) -> Certificate | None:
        return (await self.session.exec(select(Certificate).where(Certificate.serial == serial))).first()

    async def page(
        self,
        community_id: str,
        *,
        member_id: str | None,
        template_id: str | None,
        before: str | None,
        limit: int,
    ) -> Sequence[Certificate]:
        """Newest first."""
        query = select(Certificate).where(Certificate.community_id == community_id)
        if member_id is not None:
            query = query.where(Certificate.member_id == member_id)
        if template_id is not None:
            query = query.where(Certificate.template_id == template_id)
        if before is not None:
            query = query.where(col(Certificate.id) < before)
        return (await self.session.exec(query.order_by(col(Certificate.id).desc()).limit(limit))).all()

    async def revoke(self, community_id: str, certificate_id: str, *, reason: str, at: dt.datetime) -> bool:
        """Mark revoked unless it already is; whether this call revoked it (one of two racing calls does)."""
        connection = await self.session.connection()
        statement = (
            update(CERTIFICATE)
            .where(
                CERTIFICATE.c.community_id == community_id,
                CERTIFICATE.c.id == certificate_id,
                CERTIFICATE.c.revoked_at.is_(None),
            )
            .values(revoked_at=at, revocation_reason=reason)
        )
        return bool((await connection.execute(statement)).rowcount)

    async def remember_name(self, *, community_id: str, member_id: str, display_name: str, at: dt.datetime) -> None:
        connection = await self.session.connection()
        values = {"display_name": display_name, "updated_at": at}
        statement = (
            insert_for(connection)(MEMBER_NAME)
            .values(community_id=community_id, member_id=member_id, **values)
            .on_conflict_do_update(
                # A redelivered old event does not undo a newer name.
                index_elements=["community_id", "member_id"],
                set_=values,
                where=MEMBER_NAME.c.updated_at <= at,
            )
        )
        await connection.execute(statement)

    async def name_of(self, community_id: str, member_id: str) -> str | None:
        query = select(MemberName.display_name).where(
            MemberName.community_id == community_id, MemberName.member_id == member_id
        )
        return (await self.session.exec(query)).first()

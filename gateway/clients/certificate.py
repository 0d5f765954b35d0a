"""Gamification client calls about certificates: templates, issuing, revoking, and the public lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, RootModel

from gateway.clients.base import ServiceClient, idempotency_header, route


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


class CertificateTemplateDTO(BaseModel):
    id: str
    name: str
    achievement_name: str
    description: str
    issuer_name: str
    trigger_kind: str
    trigger_ref: str | None
    enabled: bool
    created_at: datetime
    updated_at: datetime


class CertificateTemplateListDTO(RootModel[list[CertificateTemplateDTO]]):
    pass


class CertificateDTO(BaseModel):
    id: str
    serial: str
    community_id: str
    template_id: str
    member_id: str
    recipient_name: str
    achievement_name: str
    issuer_name: str
    source: str
    issued_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    url: str
    credential: dict[str, Any]


class CertificatePageDTO(BaseModel):
    items: list[CertificateDTO]
    next_cursor: str | None


class IssuerKeyDTO(BaseModel):
    id: str
    type: str
    public_key_multibase: str
    current: bool


class IssuerKeysDTO(BaseModel):
    keys: list[IssuerKeyDTO]


class StatusListDTO(RootModel[dict[str, Any]]):
    """A signed BitstringStatusListCredential, passed on as signed."""


class CertificateCalls(ServiceClient):
    async def certificate_templates(self, community_id: str) -> list[CertificateTemplateDTO]:
        path = route("/v1/communities/{community_id}/certificate-templates", community_id=community_id)
        return (await self._request("GET", path, CertificateTemplateListDTO)).root

    async def create_certificate_template(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> CertificateTemplateDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/certificate-templates", community_id=community_id),
            CertificateTemplateDTO,
            json=body,
            headers=_key(idempotency_key),
        )

    async def change_certificate_template(
        self, community_id: str, template_id: str, changes: dict[str, Any]
    ) -> CertificateTemplateDTO:
        path = route(
            "/v1/communities/{community_id}/certificate-templates/{template_id}",
            community_id=community_id,
            template_id=template_id,
        )
        return await self._request("PATCH", path, CertificateTemplateDTO, json=changes)

    async def issue_certificate(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> CertificateDTO:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/certificates", community_id=community_id),
            CertificateDTO,
            json=body,
            headers=_key(idempotency_key),
        )

    async def revoke_certificate(self, community_id: str, certificate_id: str, reason: str) -> CertificateDTO:
        path = route(
            "/v1/communities/{community_id}/certificates/{certificate_id}/revocation",
            community_id=community_id,
            certificate_id=certificate_id,
        )
        return await self._request("POST", path, CertificateDTO, json={"reason": reason})

    async def certificates(
        self, community_id: str, *, member_id: str | None, cursor: str | None, limit: int
    ) -> CertificatePageDTO:
        params: dict[str, Any] = {"limit": limit}
        if member_id is not None:
            params["member_id"] = member_id
        if cursor is not None:
            params["cursor"] = cursor
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/certificates", community_id=community_id),
            CertificatePageDTO,
            params=params,
        )

    async def certificate_status_list(self, community_id: str) -> dict[str, Any]:
        path = route("/v1/communities/{community_id}/certificate-status-list", community_id=community_id)
        return (await self._request("GET", path, StatusListDTO)).root

    async def certificate_by_serial(self, serial: str) -> CertificateDTO:
        """Any community's certificate: for the public verification page, as Guildhall itself."""
        return await self._request("GET", route("/v1/certificates/{serial}", serial=serial), CertificateDTO)

    async def issuer_keys(self) -> IssuerKeysDTO:
        return await self._request("GET", "/v1/certificate-keys", IssuerKeysDTO)

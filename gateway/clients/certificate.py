"""Gamification client calls about certificates: templates, issuing, revoking, and the public lookups."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from contracts.gamification.certificate import CertificatePage, CertificateRead, IssuerKeys, Revocation, TemplateRead
from gateway.clients.base import ServiceClient, idempotency_header, route, wire

# A signed BitstringStatusListCredential: a JSON object the route declares as one, passed on as signed.
_CREDENTIAL = TypeAdapter(dict[str, Any])


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return idempotency_header(idempotency_key)


class CertificateCalls(ServiceClient):
    async def certificate_templates(self, community_id: str) -> list[TemplateRead]:
        path = route("/v1/communities/{community_id}/certificate-templates", community_id=community_id)
        return await self._request_list("GET", path, TemplateRead)

    async def create_certificate_template(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> TemplateRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/certificate-templates", community_id=community_id),
            TemplateRead,
            json=body,
            headers=_key(idempotency_key),
        )

    async def change_certificate_template(
        self, community_id: str, template_id: str, changes: dict[str, Any]
    ) -> TemplateRead:
        path = route(
            "/v1/communities/{community_id}/certificate-templates/{template_id}",
            community_id=community_id,
            template_id=template_id,
        )
        return await self._request("PATCH", path, TemplateRead, json=changes)

    async def issue_certificate(
        self, community_id: str, body: dict[str, Any], *, idempotency_key: str | None
    ) -> CertificateRead:
        return await self._request(
            "POST",
            route("/v1/communities/{community_id}/certificates", community_id=community_id),
            CertificateRead,
            json=body,
            headers=_key(idempotency_key),
        )

    async def revoke_certificate(self, community_id: str, certificate_id: str, reason: str) -> CertificateRead:
        path = route(
            "/v1/communities/{community_id}/certificates/{certificate_id}/revocation",
            community_id=community_id,
            certificate_id=certificate_id,
        )
        return await self._request("POST", path, CertificateRead, json=wire(Revocation, reason=reason))

    async def certificates(
        self, community_id: str, *, member_id: str | None, cursor: str | None, limit: int
    ) -> CertificatePage:
        params: dict[str, Any] = {"limit": limit}
        if member_id is not None:
            params["member_id"] = member_id
        if cursor is not None:
            params["cursor"] = cursor
        return await self._request(
            "GET",
            route("/v1/communities/{community_id}/certificates", community_id=community_id),
            CertificatePage,
            params=params,
        )

    async def certificate_status_list(self, community_id: str) -> dict[str, Any]:
        path = route("/v1/communities/{community_id}/certificate-status-list", community_id=community_id)
        return _CREDENTIAL.validate_json(await self._send("GET", path, params=None, json=None, headers=None))

    async def certificate_by_serial(self, serial: str) -> CertificateRead:
        """Any community's certificate: for the public verification page, as Guildhall itself."""
        return await self._request("GET", route("/v1/certificates/{serial}", serial=serial), CertificateRead)

    async def issuer_keys(self) -> IssuerKeys:
        return await self._request("GET", "/v1/certificate-keys", IssuerKeys)

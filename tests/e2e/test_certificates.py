"""Certificates end to end: a member added in Chinese completes a challenge, the certificate is issued in
their name, anyone verifies it at the gateway without a key (HTML, JSON, PNG, PDF), a revocation shows up
there at once, and a credential changed after signing fails verification."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from sqlalchemy import update

from contracts.gamification.events import ChallengeCompleted
from guildhall.embedded import EmbeddedGuildhall
from services.gamification.models.certificate import Certificate, MemberName
from tests.support.certificates import CHINESE_ACHIEVEMENT, CHINESE_NAME
from tests.support.events import publish
from tests.support.factories import add_members, create_community
from tests.support.guildhall import GraphQL, eventually

ADD_MEMBER = """
mutation($input: AddMemberInput!) { addMember(input: $input) { __typename ... on MemberSuccess { member { id } } } }
"""
CREATE_TEMPLATE = """
mutation($input: CreateCertificateTemplateInput!) {
  createCertificateTemplate(input: $input) {
    __typename
    ... on CertificateTemplateSuccess { template { id triggerKind triggerRef enabled } }
    ... on InvalidInputError { code fields { field reason } }
  }
}
"""
CERTIFICATES = """
query($communityId: ID!, $memberId: ID) {
  certificates(communityId: $communityId, memberId: $memberId, first: 10) {
    nodes { id serial recipientName achievementName issuerName url revokedAt revocationReason credential }
    edges { cursor }
    pageInfo { hasNextPage }
  }
}
"""
ISSUE = """
mutation($input: IssueCertificateInput!) {
  issueCertificate(input: $input) {
    __typename
    ... on CertificateSuccess { certificate { id serial recipientName } }
    ... on UserError { code }
  }
}
"""
UPDATE_TEMPLATE = """
mutation($input: UpdateCertificateTemplateInput!) {
  updateCertificateTemplate(input: $input) {
    __typename ... on CertificateTemplateSuccess { template { id achievementName enabled } } ... on UserError { code }
  }
}
"""
TEMPLATES = "query($communityId: ID!) { certificateTemplates(communityId: $communityId) { id name enabled } }"
REVOKE = """
mutation($input: RevokeCertificateInput!) {
  revokeCertificate(input: $input) {
    __typename ... on CertificateSuccess { certificate { revokedAt revocationReason } } ... on UserError { code }
  }
}
"""


async def _member(admin: GraphQL, community_id: str, name: str) -> str:
    body = await admin(ADD_MEMBER, input={"communityId": community_id, "displayName": name})
    payload = body["data"]["addMember"]
    assert payload["__typename"] == "MemberSuccess", payload
    member_id: str = payload["member"]["id"]
    return member_id


async def _template(admin: GraphQL, community_id: str, **fields: Any) -> dict[str, Any]:
    body = await admin(
        CREATE_TEMPLATE,
        input={
            "communityId": community_id,
            "name": "Early riser",
            "achievementName": CHINESE_ACHIEVEMENT,
            "description": "21 days up before 6:30",
            "issuerName": "晨读会 Morning Readers",
            **fields,
        },
    )
    payload: dict[str, Any] = body["data"]["createCertificateTemplate"]
    return payload


async def test_a_completed_challenge_gives_a_certificate_anyone_can_verify_until_it_is_revoked(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_community(admin, name="晨读会"))["id"]
    member_id = await _member(admin, cid, CHINESE_NAME)
    template = await _template(admin, cid, triggerKind="CHALLENGE", triggerRef="chl_early")
    bad = await _template(admin, cid, name="Broken", triggerKind="BADGE")
    # Wait until gamification has heard of the member (and so of their name).
    await eventually(lambda: _name_known(guildhall, cid, member_id))
    done = ChallengeCompleted(member_id=member_id, challenge_id="chl_early", enrollment_id="enr_1")
    await publish(guildhall.services["gamification"], done, producer="gamification", community_id=cid, times=2)

    async def issued() -> dict[str, Any] | None:
        nodes = (await admin(CERTIFICATES, communityId=cid, memberId=member_id))["data"]["certificates"]["nodes"]
        return nodes[0] if nodes else None

    certificate = await eventually(issued)
    serial = certificate["serial"]
    async with guildhall.client() as public:  # no API key
        page = await public.get(f"/certificates/{serial}")
        as_json = (await public.get(f"/certificates/{serial}.json")).json()
        png = await public.get(f"/certificates/{serial}.png")
        pdf = await public.get(f"/certificates/{serial}.pdf")
        keys = (await public.get("/certificates/keys")).json()["keys"]
        unknown = await public.get("/certificates/AAAA-BBBB-CCCC-DDDD")
        unknown_json = await public.get("/certificates/AAAA-BBBB-CCCC-DDDD.json")
        revoked = await admin(
            REVOKE, input={"communityId": cid, "certificateId": certificate["id"], "reason": "作弊 cheated"}
        )
        after = (await public.get(f"/certificates/{serial}.json")).json()
        after_page = await public.get(f"/certificates/{serial}")
        status = (await public.get(f"/certificates/{serial}/status")).json()
        listed = (await admin(CERTIFICATES, communityId=cid, memberId=member_id))["data"]["certificates"]["nodes"]

    assert template["__typename"] == "CertificateTemplateSuccess"
    assert template["template"]["triggerKind"] == "CHALLENGE"
    assert bad["__typename"] == "InvalidInputError"
    assert [f["field"] for f in bad["fields"]] == ["triggerRef"]
    assert (certificate["recipientName"], certificate["achievementName"]) == (CHINESE_NAME, CHINESE_ACHIEVEMENT)
    assert certificate["url"].endswith(f"/certificates/{serial}")
    assert len(listed) == 1  # delivered twice, issued once

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert CHINESE_NAME in page.text and "Valid" in page.text and "晨读会 Morning Readers" in page.text
    assert as_json["credential"] == certificate["credential"]
    assert as_json["verification"]["verified"] is True
    assert as_json["verification"]["signature"] == "valid"
    assert as_json["verification"]["status"] == "valid"
    method = as_json["credential"]["proof"]["verificationMethod"]
    assert method in [k["id"] for k in keys]
    assert [k["type"] for k in keys] == ["Multikey"]

    assert (png.status_code, png.headers["content-type"]) == (200, "image/png")
    picture = Image.open(io.BytesIO(png.content)).convert("L")
    assert picture.size == (1600, 1131)
    histogram = picture.histogram()
    assert sum(histogram[:80]) > 1000 and sum(histogram[200:]) > 1000  # dark ink on light paper, not blank
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")

    assert (unknown.status_code, unknown_json.status_code) == (404, 404)
    assert revoked["data"]["revokeCertificate"]["certificate"]["revocationReason"] == "作弊 cheated"
    assert after["verification"]["status"] == "revoked"
    assert after["verification"]["verified"] is False
    assert after["verification"]["signature"] == "valid"  # still genuinely signed, only revoked
    assert after["verification"]["revocation_reason"] == "作弊 cheated"
    assert "Revoked" in after_page.text and "作弊 cheated" in after_page.text
    assert [r["revocationReason"] for r in status["revokedCredentials"]] == ["作弊 cheated"]


async def _name_known(guildhall: EmbeddedGuildhall, community_id: str, member_id: str) -> bool | None:
    async with guildhall.services["gamification"].state.sessionmaker() as session:
        row = await session.get(MemberName, (community_id, member_id))
    return True if row is not None else None


async def test_a_credential_changed_after_signing_fails_at_the_gateway(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    cid = (await create_community(admin, name="Makers"))["id"]
    zoe, other = await add_members(admin, cid, 2)
    template = (await _template(admin, cid))["template"]
    body = await admin(
        ISSUE,
        input={"communityId": cid, "templateId": template["id"], "memberId": zoe, "recipientName": "Zoë Åkesson"},
    )
    issued = body["data"]["issueCertificate"]
    assert issued["__typename"] == "CertificateSuccess", issued
    serial = issued["certificate"]["serial"]
    async with guildhall.client() as public:
        before = (await public.get(f"/certificates/{serial}.json")).json()
        forged = before["credential"]
        forged["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
        async with guildhall.services["gamification"].state.sessionmaker() as session, session.begin():
            await session.exec(update(Certificate).where(Certificate.serial == serial).values(credential=forged))
        after = (await public.get(f"/certificates/{serial}.json")).json()
        page = await public.get(f"/certificates/{serial}")

    disabled = await admin(UPDATE_TEMPLATE, input={"communityId": cid, "templateId": template["id"], "enabled": False})
    refused = await admin(ISSUE, input={"communityId": cid, "templateId": template["id"], "memberId": other})
    templates = (await admin(TEMPLATES, communityId=cid))["data"]["certificateTemplates"]

    assert disabled["data"]["updateCertificateTemplate"]["template"]["enabled"] is False
    assert refused["data"]["issueCertificate"] == {
        "__typename": "ConflictError",
        "code": "certificate_template_disabled",
    }
    assert [(t["id"], t["enabled"]) for t in templates] == [(template["id"], False)]
    assert before["verification"]["verified"] is True
    assert after["verification"]["signature"] == "bad_signature"
    assert after["verification"]["verified"] is False
    assert "Not valid" in page.text

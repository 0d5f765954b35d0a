"""Certificates through the REST API: issued once on a (redelivered) completed challenge, badge or course, in the
member's name from membership; by hand with an idempotency key; signed so that the published keys verify them;
listed by member page by page; revoked once; looked up by serial for the public page only by Guildhall."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlmodel import select

from contracts.events import CourseCompleted, MemberJoined
from contracts.gamification.events import BadgeAwarded, ChallengeCompleted
from kit.auth import SYSTEM, Principal
from kit.dataintegrity import verify
from kit.tables import outbox
from tests.support.backends import Backend
from tests.support.certificates import CHINESE_ACHIEVEMENT, CHINESE_NAME, certificates_of, create_template, issue
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY
from tests.support.guildhall import running_service, service_client
from tests.support.rewards import create_badge

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
CERTIFICATES = f"/v1/communities/{COMMUNITY}/certificates"
TEMPLATES = f"/v1/communities/{COMMUNITY}/certificate-templates"


async def _events(app: Any, kind: str) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.type, outbox.c.envelope))).all()
    return [json.loads(envelope)["data"] for type_, envelope in rows if type_ == kind]


def _joined(member_id: str, name: str | None) -> MemberJoined:
    return MemberJoined(
        member_id=member_id,
        membership_id=f"mshp_{member_id}",
        tier_id=None,
        status="active",
        source="admin",
        display_name=name,
    )


async def test_a_redelivered_challenge_completion_issues_one_certificate_in_the_members_name(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        template = await create_template(client)
        await create_template(client, name="Other challenge", trigger_ref="chl_other")
        await publish(app, _joined("mbr_a", CHINESE_NAME), producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        done = ChallengeCompleted(member_id="mbr_a", challenge_id="chl_early", enrollment_id="enr_1")
        await publish(app, done, producer="gamification", community_id=COMMUNITY, times=2)
        await publish(app, done, producer="gamification", community_id=COMMUNITY)  # a new envelope, same enrollment
        await consume(app, "gamification")
        listed = await certificates_of(client, "mbr_a")
        issued = await _events(app, "certificate.issued")
        async with service_client(app, SYSTEM) as internal:
            keys = (await internal.get("/v1/certificate-keys")).json()["keys"]

    (certificate,) = listed["items"]
    credential = certificate["credential"]
    assert (certificate["template_id"], certificate["recipient_name"]) == (template["id"], CHINESE_NAME)
    assert certificate["source"] == "challenge:enr_1"
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == CHINESE_NAME
    assert credential["credentialSubject"]["achievement"]["name"] == CHINESE_ACHIEVEMENT
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert verify(credential, trusted_keys=[k["public_key_multibase"] for k in keys]).verified
    assert [(e["serial"], e["recipient_name"]) for e in issued] == [(certificate["serial"], CHINESE_NAME)]
    assert issued[0]["url"].endswith(f"/certificates/{certificate['serial']}")


async def test_a_badge_award_issues_the_certificates_of_that_badge_once(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        badge = await create_badge(client, name="Helper", criteria={"kind": "manual"})
        await create_template(client, name="Helper certificate", trigger_kind="badge", trigger_ref=badge["id"])
        awarded = BadgeAwarded(member_id="mbr_b", badge_id=badge["id"], award_id="bda_1", name="Helper")
        await publish(app, awarded, producer="gamification", community_id=COMMUNITY, times=2)
        await consume(app, "gamification")
        listed = await certificates_of(client, "mbr_b")

    # No name from membership yet: the member's id stands in.
    assert [(c["source"], c["recipient_name"]) for c in listed["items"]] == [("badge:bda_1", "mbr_b")]


async def test_a_completed_course_issues_that_courses_certificate_once_per_member(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await create_template(client, name="Writing course", trigger_kind="course", trigger_ref="crs_writing")
        await create_template(client, name="Other course", trigger_kind="course", trigger_ref="crs_other")
        # Content's event, as the content service publishes it; a redelivery and a second envelope issue nothing.
        finished = CourseCompleted(member_id="mbr_c", course_id="crs_writing")
        await publish(app, finished, producer="content", community_id=COMMUNITY, times=2)
        await publish(app, finished, producer="content", community_id=COMMUNITY)
        await consume(app, "gamification")
        listed = await certificates_of(client, "mbr_c")

    assert [c["source"] for c in listed["items"]] == ["course:crs_writing:mbr_c"]


async def test_issuing_by_hand_is_idempotent_by_key_and_refuses_a_disabled_template(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        template = await create_template(client, trigger_kind="manual", trigger_ref=None)
        first = await issue(client, template["id"], "mbr_a", key="k1", recipient_name="Zoë Åkesson")
        retried = await issue(client, template["id"], "mbr_a", key="k1", recipient_name="Zoë Åkesson")
        second = await issue(client, template["id"], "mbr_a", key="k2")
        disabled = await client.patch(f"{TEMPLATES}/{template['id']}", json={"enabled": False})
        refused = await issue(client, template["id"], "mbr_a", key="k3")
        unknown = await issue(client, "ctpl_nope", "mbr_a")
        listed = await certificates_of(client, "mbr_a")

    assert (first.status_code, retried.status_code, second.status_code) == (201, 201, 201)
    assert retried.json()["serial"] == first.json()["serial"]
    assert second.json()["serial"] != first.json()["serial"]
    assert first.json()["recipient_name"] == "Zoë Åkesson"
    assert disabled.json()["enabled"] is False
    assert (refused.status_code, refused.json()["code"]) == (409, "certificate_template_disabled")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "certificate_template_not_found")
    assert len(listed["items"]) == 2


async def test_templates_refuse_bad_triggers_naming_the_field_and_change_only_what_is_given(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        no_ref = await client.post(
            TEMPLATES, json={"name": "X", "achievement_name": "X", "issuer_name": "X", "trigger_kind": "challenge"}
        )
        bad_kind = await client.post(
            TEMPLATES, json={"name": "X", "achievement_name": "X", "issuer_name": "X", "trigger_kind": "lesson"}
        )
        no_badge = await client.post(
            TEMPLATES,
            json={
                "name": "X",
                "achievement_name": "X",
                "issuer_name": "X",
                "trigger_kind": "badge",
                "trigger_ref": "bdg_x",
            },
        )
        template = await create_template(client)
        twin = await client.post(TEMPLATES, json={"name": "Early riser", "achievement_name": "X", "issuer_name": "X"})
        changed = await client.patch(
            f"{TEMPLATES}/{template['id']}", json={"achievement_name": "Early bird", "trigger_kind": "manual"}
        )
        listed = (await client.get(TEMPLATES)).json()

    assert [e["field"] for e in no_ref.json()["errors"]] == ["trigger_ref"]
    assert [e["field"] for e in bad_kind.json()["errors"]] == ["trigger_kind"]
    assert [e["field"] for e in no_badge.json()["errors"]] == ["trigger_ref"]
    assert (no_ref.status_code, bad_kind.status_code, no_badge.status_code, twin.status_code) == (422, 422, 422, 409)
    body = changed.json()
    assert (body["achievement_name"], body["trigger_kind"], body["trigger_ref"]) == ("Early bird", "manual", None)
    assert body["issuer_name"] == template["issuer_name"]
    assert [t["id"] for t in listed] == [template["id"]]


async def test_revoking_is_once_and_the_lookup_by_serial_is_for_guildhall_only(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            template = await create_template(client, trigger_kind="manual", trigger_ref=None)
            certificate = (await issue(client, template["id"], "mbr_a")).json()
            revoked = await client.post(f"{CERTIFICATES}/{certificate['id']}/revocation", json={"reason": "plagiarism"})
            again = await client.post(f"{CERTIFICATES}/{certificate['id']}/revocation", json={"reason": "changed mind"})
            blank = await client.post(f"{CERTIFICATES}/{certificate['id']}/revocation", json={"reason": ""})
            as_admin = await client.get(f"/v1/certificates/{certificate['serial']}")
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as client:
            foreign = await client.get(f"{CERTIFICATES}/{certificate['id']}")
        async with service_client(app, SYSTEM) as internal:
            loose = certificate["serial"].replace("-", "").lower()
            looked_up = await internal.get(f"/v1/certificates/{loose}")
            typo = certificate["serial"][:-1] + ("0" if certificate["serial"][-1] != "0" else "1")
            mistyped = await internal.get(f"/v1/certificates/{typo}")
        events = await _events(app, "certificate.revoked")

    assert revoked.status_code == 200
    assert (revoked.json()["revocation_reason"], again.json()["revocation_reason"]) == ("plagiarism", "plagiarism")
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert blank.status_code == 422
    assert [e["reason"] for e in events] == ["plagiarism"]
    assert (as_admin.status_code, foreign.status_code, mistyped.status_code) == (404, 404, 404)
    assert looked_up.json()["serial"] == certificate["serial"]
    assert looked_up.json()["revocation_reason"] == "plagiarism"


async def test_a_members_certificates_come_newest_first_page_by_page(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        template = await create_template(client, trigger_kind="manual", trigger_ref=None)
        serials = [(await issue(client, template["id"], "mbr_a")).json()["serial"] for _ in range(3)]
        await issue(client, template["id"], "mbr_z")
        first = await certificates_of(client, "mbr_a", limit=2)
        second = await certificates_of(client, "mbr_a", limit=2, cursor=first["next_cursor"])

    assert [c["serial"] for c in first["items"] + second["items"]] == serials[::-1]
    assert second["next_cursor"] is None


async def test_two_racing_revocations_revoke_once(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            template = await create_template(client, trigger_kind="manual", trigger_ref=None)
            certificate = (await issue(client, template["id"], "mbr_a")).json()
        path = f"{CERTIFICATES}/{certificate['id']}/revocation"
        async with service_client(app, MINE) as one, service_client(app, MINE) as two:
            answers = await asyncio.gather(
                one.post(path, json={"reason": "first"}), two.post(path, json={"reason": "second"})
            )
        events = await _events(app, "certificate.revoked")

    assert [a.status_code for a in answers] == [200, 200]
    assert len(events) == 1
    assert {a.json()["revocation_reason"] for a in answers} == {events[0]["reason"]}

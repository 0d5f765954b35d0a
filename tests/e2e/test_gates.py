"""Through the gateway: a tier ladder with gates, joins, a review, a payment and a referral."""

from __future__ import annotations

from typing import Any

from tests.support.factories import create_community
from tests.support.guildhall import GraphQL

ERRORS = "... on UserError { code message } ... on InvalidInputError { fields { field reason } }"
CREATE_TIER = f"""
mutation($input: CreateTierInput!) {{
  createTier(input: $input) {{ __typename ... on TierSuccess {{ tier {{ id key priceAmount currency }} }} {ERRORS} }}
}}"""
SET_GATE = f"""
mutation($input: SetTierGateInput!) {{
  setTierGate(input: $input) {{ __typename ... on TierSuccess {{ tier {{ id requirements }} }} {ERRORS} }}
}}"""
CREATE_CODE = f"""
mutation($input: CreateInvitationCodeInput!) {{
  createInvitationCode(input: $input) {{
    __typename ... on InvitationCodeSuccess {{ invitationCode {{ id code uses maxUses }} }} {ERRORS}
  }}
}}"""
JOIN = f"""
mutation($input: JoinInput!) {{
  join(input: $input) {{
    __typename
    ... on JoinSuccess {{
      status member {{ id membership {{ status tierId source referrerMemberId }} }} application {{ id }}
    }}
    {ERRORS}
  }}
}}"""
REVIEW = f"""
mutation($input: ReviewApplicationInput!) {{
  reviewApplication(input: $input) {{
    __typename
    ... on ReviewApplicationSuccess {{ application {{ status reviewer }} member {{ membership {{ status }} }} }}
    {ERRORS}
  }}
}}"""
PAY = f"""
mutation($input: ConfirmPaymentInput!) {{
  confirmPayment(input: $input) {{
    __typename
    ... on ConfirmPaymentSuccess {{
      duplicate payment {{ id kind amount }} member {{ membership {{ status tierId }} }}
    }}
    {ERRORS}
  }}
}}"""
QUEUE = """
query($cid: ID!) {
  applications(communityId: $cid) { nodes { id memberId answers status } pageInfo { hasNextPage } }
  tiers(communityId: $cid) { key seatsTaken }
  community(id: $cid) { tiers { key } }
  invitationCodes(communityId: $cid) { edges { node { code uses } } }
}"""
REFERRAL = """
mutation($input: CreateReferralCodeInput!) {
  createReferralCode(input: $input) { __typename ... on ReferralCodeSuccess { referralCode { code memberId } } }
}"""


async def payload(graphql: GraphQL, query: str, field: str, **input: Any) -> dict[str, Any]:
    body = await graphql(query, input=input)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][field]
    return result


async def test_a_ladder_of_gates_through_graphql(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]
    lead = (await payload(admin, CREATE_TIER, "createTier", communityId=cid, key="lead", name="Lead", rank=1))["tier"]
    core = (
        await payload(
            admin,
            CREATE_TIER,
            "createTier",
            communityId=cid,
            key="core",
            name="Core",
            rank=2,
            priceAmount=19_900,
            currency="CNY",
            period="yearly",
        )
    )["tier"]
    questions = {"kind": "application", "questions": [{"key": "why", "prompt": "Why?"}]}
    await payload(
        admin, SET_GATE, "setTierGate", communityId=cid, tierId=lead["id"], requirements=[{"kind": "invitation"}]
    )
    gated = await payload(admin, SET_GATE, "setTierGate", communityId=cid, tierId=core["id"], requirements=[questions])
    code = (await payload(admin, CREATE_CODE, "createInvitationCode", communityId=cid, tierId=lead["id"], maxUses=5))[
        "invitationCode"
    ]

    invited = await payload(
        admin,
        JOIN,
        "join",
        communityId=cid,
        tierId=lead["id"],
        invitationCode=code["code"],
        person={"displayName": "Ada", "attributes": {"region": "Shanghai"}},
    )
    applied = await payload(
        admin,
        JOIN,
        "join",
        communityId=cid,
        tierId=core["id"],
        person={"displayName": "Bo"},
        answers=[{"key": "why", "answer": "to build"}],
    )
    queue = (await admin(QUEUE, cid=cid))["data"]
    reviewed = await payload(
        admin,
        REVIEW,
        "reviewApplication",
        communityId=cid,
        applicationId=applied["application"]["id"],
        decision="APPROVE",
    )
    payment = {
        "communityId": cid,
        "memberId": applied["member"]["id"],
        "amount": 19_900,
        "currency": "CNY",
        "provider": "wechat_pay",
        "providerRef": "wx-e2e-1",
    }
    paid = await payload(admin, PAY, "confirmPayment", **payment, idempotencyKey="pay-1")
    again = await payload(admin, PAY, "confirmPayment", **payment, idempotencyKey="pay-2")
    after = (await admin(QUEUE, cid=cid))["data"]

    assert gated["tier"]["requirements"] == [
        {**questions, "questions": [{"key": "why", "prompt": "Why?", "required": True}]}
    ]
    assert invited["status"] == "active" and invited["member"]["membership"]["source"] == "invitation"
    assert applied["status"] == "applied"
    assert [(a["memberId"], a["answers"]) for a in queue["applications"]["nodes"]] == [
        (applied["member"]["id"], {"why": "to build"})
    ]
    assert reviewed["member"]["membership"]["status"] == "PENDING_PAYMENT"
    assert reviewed["application"]["status"] == "approved"
    assert paid["__typename"] == "ConfirmPaymentSuccess" and paid["duplicate"] is False
    assert paid["payment"]["kind"] == "join"
    assert paid["member"]["membership"] == {"status": "ACTIVE", "tierId": core["id"]}
    assert again["duplicate"] is True and again["payment"]["id"] == paid["payment"]["id"]
    assert after["applications"] == {"nodes": [], "pageInfo": {"hasNextPage": False}}
    assert after["tiers"] == [{"key": "lead", "seatsTaken": 1}, {"key": "core", "seatsTaken": 1}]
    assert after["invitationCodes"]["edges"] == [{"node": {"code": code["code"], "uses": 1}}]
    assert after["community"]["tiers"] == [{"key": "lead"}, {"key": "core"}]


async def test_gate_errors_and_referrals_through_graphql(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]
    lead = (await payload(admin, CREATE_TIER, "createTier", communityId=cid, key="lead", name="Lead", rank=1))["tier"]
    bad_gate = await payload(
        admin, SET_GATE, "setTierGate", communityId=cid, tierId=lead["id"], requirements=[{"kind": "lottery"}]
    )
    first = await payload(admin, JOIN, "join", communityId=cid, tierId=lead["id"], person={"displayName": "Ann"})
    referral = (await payload(admin, REFERRAL, "createReferralCode", communityId=cid, memberId=first["member"]["id"]))[
        "referralCode"
    ]
    read = await admin(
        "query($c: ID!, $m: ID!) { referralCode(communityId: $c, memberId: $m) { code } }",
        c=cid,
        m=first["member"]["id"],
    )
    referred = await payload(
        admin,
        JOIN,
        "join",
        communityId=cid,
        tierId=lead["id"],
        person={"displayName": "Ben"},
        referralCode=referral["code"],
    )
    self_referral = await payload(
        admin,
        JOIN,
        "join",
        communityId=cid,
        tierId=lead["id"],
        memberId=first["member"]["id"],
        referralCode=referral["code"],
    )
    bad_name = await payload(admin, JOIN, "join", communityId=cid, tierId=lead["id"], person={"displayName": " "})

    assert bad_gate["__typename"] == "InvalidInputError"
    assert bad_gate["fields"][0]["field"] == "requirements.0.kind"
    assert read["data"]["referralCode"]["code"] == referral["code"]
    assert referred["member"]["membership"]["source"] == "referral"
    assert referred["member"]["membership"]["referrerMemberId"] == first["member"]["id"]
    assert self_referral["__typename"] == "ConflictError" and self_referral["code"] == "already_member"
    assert bad_name["__typename"] == "InvalidInputError"
    assert bad_name["fields"][0]["field"] == "person.displayName"


async def test_a_gate_is_typed_input_in_this_schemas_names(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]
    trial = (await payload(admin, CREATE_TIER, "createTier", communityId=cid, key="trial", name="Trial", rank=1))[
        "tier"
    ]
    core = (await payload(admin, CREATE_TIER, "createTier", communityId=cid, key="core", name="Core", rank=2))["tier"]
    probation = {"kind": "probation", "trialTierId": trial["id"], "promoteWhen": {"kind": "clean_days", "days": 7}}
    regions = {"attribute": "region", "op": "one_of", "value": ["Shanghai", "Hangzhou"]}

    gated = await payload(
        admin,
        SET_GATE,
        "setTierGate",
        communityId=cid,
        tierId=core["id"],
        requirements=[probation, {"kind": "profile", "criteria": [regions]}],
    )
    misplaced = await payload(
        admin,
        SET_GATE,
        "setTierGate",
        communityId=cid,
        tierId=core["id"],
        requirements=[{"kind": "invitation", "trialTierId": trial["id"]}],
    )
    unshaped = await admin(
        SET_GATE, input={"communityId": cid, "tierId": core["id"], "requirements": [{"kind": "profile", "x": 1}]}
    )
    kept = await admin("query($c: ID!) { tiers(communityId: $c) { key requirements } }", c=cid)

    assert gated["tier"]["requirements"] == [
        {"kind": "probation", "trial_tier_id": trial["id"], "promote_when": {"kind": "clean_days", "days": 7}},
        {"kind": "profile", "criteria": [regions]},
    ]
    assert misplaced["__typename"] == "InvalidInputError"
    assert [f["field"] for f in misplaced["fields"]] == ["requirements.0.trialTierId"]
    assert "x" in unshaped["errors"][0]["message"]
    assert [t["requirements"] for t in kept["data"]["tiers"] if t["key"] == "core"] == [gated["tier"]["requirements"]]


READ_GATE = """
query($c: ID!) {
  tiers(communityId: $c) {
    key
    gate {
      kind trialTierId promoteWhen { kind lifetimePoints challengeId days }
      questions { key prompt required } criteria { attribute op value }
    }
  }
}
"""


async def test_a_gate_reads_back_in_the_names_it_was_written_in(admin: GraphQL) -> None:
    cid = (await create_community(admin))["id"]
    trial = (await payload(admin, CREATE_TIER, "createTier", communityId=cid, key="trial", name="Trial", rank=1))[
        "tier"
    ]
    core = (await payload(admin, CREATE_TIER, "createTier", communityId=cid, key="core", name="Core", rank=2))["tier"]
    written = [
        {"kind": "application", "questions": [{"key": "why", "prompt": "Why join?", "required": False}]},
        {"kind": "probation", "trialTierId": trial["id"], "promoteWhen": {"kind": "points", "lifetimePoints": 100}},
        {"kind": "profile", "criteria": [{"attribute": "age", "op": "at_least", "value": 18}]},
    ]
    await payload(admin, SET_GATE, "setTierGate", communityId=cid, tierId=core["id"], requirements=written)

    tiers = (await admin(READ_GATE, c=cid))["data"]["tiers"]

    gate = next(t["gate"] for t in tiers if t["key"] == "core")
    empty = {"questions": None, "trialTierId": None, "promoteWhen": None, "criteria": None}
    promotion = {"kind": "points", "lifetimePoints": 100, "challengeId": None, "days": None}
    assert gate == [
        {**empty, "kind": "application", "questions": written[0]["questions"]},
        {**empty, "kind": "probation", "trialTierId": trial["id"], "promoteWhen": promotion},
        {**empty, "kind": "profile", "criteria": written[2]["criteria"]},
    ]
    assert next(t["gate"] for t in tiers if t["key"] == "trial") == []

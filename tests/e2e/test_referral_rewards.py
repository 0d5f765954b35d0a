"""Referral fission past the join: an operator rewards paid conversions, and the referrer's code shows them."""

from __future__ import annotations

from typing import Any

from tests.support.factories import add_member, create_community
from tests.support.guildhall import GraphQL, eventually

ERRORS = "... on UserError { code message } ... on InvalidInputError { fields { field reason } }"
CREATE_TIER = f"""
mutation($input: CreateTierInput!) {{
  createTier(input: $input) {{ __typename ... on TierSuccess {{ tier {{ id key }} }} {ERRORS} }}
}}"""
CREATE_RULE = f"""
mutation($input: CreatePointRuleInput!) {{
  createPointRule(input: $input) {{
    __typename ... on CreatePointRuleSuccess {{ rule {{ ruleId event conditions }} }} {ERRORS}
  }}
}}"""
CREATE_CODE = f"""
mutation($input: CreateReferralCodeInput!) {{
  createReferralCode(input: $input) {{ __typename ... on ReferralCodeSuccess {{ referralCode {{ code }} }} {ERRORS} }}
}}"""
JOIN = f"""
mutation($input: JoinInput!) {{
  join(input: $input) {{
    __typename ... on JoinSuccess {{ member {{ id membership {{ referrerMemberId }} }} }} {ERRORS}
  }}
}}"""
PAY = f"""
mutation($input: ConfirmPaymentInput!) {{
  confirmPayment(input: $input) {{ __typename ... on ConfirmPaymentSuccess {{ duplicate }} {ERRORS} }}
}}"""
CODE = """
query($c: ID!, $m: ID!) {
  referralCode(communityId: $c, memberId: $m) { code joins conversions convertedAmounts { amount currency } }
}"""
POINTS = """
query($c: ID!, $m: ID!) {
  memberGamification(communityId: $c, memberIds: [$m]) { points recentEntries(limit: 5) { kind points } }
}"""


async def payload(graphql: GraphQL, query: str, field: str, **input: Any) -> dict[str, Any]:
    body = await graphql(query, input=input)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][field]
    return result


async def test_a_paid_referral_rewards_the_referrer_by_the_rule_and_shows_on_the_code(admin: GraphQL) -> None:
    cid = (await create_community(admin, timezone="Asia/Shanghai"))["id"]

    async def levels_ready() -> Any:
        body = await admin("query($id: ID!) { community(id: $id) { levels { rank } } }", id=cid)
        return body["data"]["community"]["levels"] or None

    await eventually(levels_ready)
    tiers = {}
    for key, rank, price in (("lead", 1, 0), ("lite", 2, 990), ("core", 3, 19_900)):
        priced = {"priceAmount": price, "currency": "CNY", "period": "yearly"} if price else {}
        made = await payload(admin, CREATE_TIER, "createTier", communityId=cid, key=key, name=key, rank=rank, **priced)
        tiers[key] = made["tier"]["id"]
    rule = await payload(
        admin,
        CREATE_RULE,
        "createPointRule",
        communityId=cid,
        name="Brought a paying member",
        event="referral.converted",
        points=100,
        conditions={"minAmount": 10_000, "currency": "CNY"},
    )
    # Conditions are typed input: a misspelt one is refused by GraphQL validation, naming it, before any call.
    misspelt = await admin(
        CREATE_RULE,
        input={
            "communityId": cid,
            "name": "?",
            "event": "referral.converted",
            "points": 1,
            "conditions": {"minAmout": 10_000},
        },
    )
    referrer = await add_member(admin, cid, tierId=tiers["lead"])
    code = (await payload(admin, CREATE_CODE, "createReferralCode", communityId=cid, memberId=referrer))[
        "referralCode"
    ]["code"]
    cheap, dear = [
        (
            await payload(
                admin,
                JOIN,
                "join",
                communityId=cid,
                tierId=tiers["lead"],
                person={"displayName": name},
                referralCode=code,
            )
        )["member"]
        for name in ("Lin", "Mei")
    ]
    # The cheap conversion first: the consumer takes membership's events in order, so by the time the dear
    # one's points arrive the cheap one was handled, and awarded nothing.
    for member, tier, amount in ((cheap, "lite", 990), (dear, "core", 19_900)):
        paid = await payload(
            admin,
            PAY,
            "confirmPayment",
            communityId=cid,
            memberId=member["id"],
            tierId=tiers[tier],
            amount=amount,
            currency="CNY",
            provider="wechat_pay",
            providerRef=f"wx-{member['id']}",
            idempotencyKey=f"pay-{member['id']}",
        )
        assert paid == {"__typename": "ConfirmPaymentSuccess", "duplicate": False}

    async def rewarded() -> Any:
        view = (await admin(POINTS, c=cid, m=referrer))["data"]["memberGamification"][0]
        return view if view["points"] else None

    view = await eventually(rewarded)
    shown = (await admin(CODE, c=cid, m=referrer))["data"]["referralCode"]
    referred = (await admin(POINTS, c=cid, m=dear["id"]))["data"]["memberGamification"][0]

    assert rule["rule"]["conditions"] == {"min_amount": 10_000, "currency": "CNY"}
    assert "minAmout" in misspelt["errors"][0]["message"]
    assert cheap["membership"]["referrerMemberId"] == dear["membership"]["referrerMemberId"] == referrer
    assert view == {"points": 100, "recentEntries": [{"kind": "award", "points": 100}]}
    assert referred["points"] == 0
    assert shown == {
        "code": code,
        "joins": 2,
        "conversions": 2,
        "convertedAmounts": [{"amount": 20_890, "currency": "CNY"}],
    }

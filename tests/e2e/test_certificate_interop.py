"""Certificates verify in an independent, established verifier: Digital Bazaar's ``vc`` library with the
eddsa-rdfc-2022 cryptosuite and the W3C Bitstring Status List checker (tests/interop/vc/verify.mjs, Node.js,
offline). It accepts a genuine certificate, rejects one with a field changed, and reads a revocation."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from guildhall.embedded import EmbeddedGuildhall
from tests.support.factories import add_member, create_community
from tests.support.guildhall import GraphQL

VERIFIER = Path(__file__).resolve().parents[1] / "interop" / "vc"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

TEMPLATE = """
mutation($input: CreateCertificateTemplateInput!) {
  createCertificateTemplate(input: $input) { __typename ... on CertificateTemplateSuccess { template { id } } }
}
"""
ISSUE = """
mutation($input: IssueCertificateInput!) {
  issueCertificate(input: $input) { __typename ... on CertificateSuccess { certificate { id serial } } }
}
"""
REVOKE = """
mutation($input: RevokeCertificateInput!) { revokeCertificate(input: $input) { __typename } }
"""


@pytest.fixture(scope="session")
def node_verifier() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if IN_CI:
            pytest.fail("CI=true needs Node.js and npm for the independent credential verifier")
        pytest.skip("Node.js and npm are needed for the independent credential verifier")
    if not (VERIFIER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(VERIFIER)], check=True, capture_output=True
        )
    return Path(node)


def independently_verified(node: Path, credential: dict[str, Any], status_list: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [str(node), str(VERIFIER / "verify.mjs")],
        input=json.dumps({"credential": credential, "statusList": status_list}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


async def test_an_independent_verifier_accepts_a_genuine_certificate_rejects_a_changed_one_and_reads_revocation(
    admin: GraphQL, guildhall: EmbeddedGuildhall, node_verifier: Path
) -> None:
    cid = (await create_community(admin, name="晨读会"))["id"]
    member = await add_member(admin, cid, displayName="张三丰")
    template = (
        await admin(
            TEMPLATE,
            input={
                "communityId": cid,
                "name": "Early riser",
                "achievementName": "21 天早起",
                "description": "21 days up before 6:30",
                "issuerName": "晨读会",
            },
        )
    )["data"]["createCertificateTemplate"]["template"]
    issued = (await admin(ISSUE, input={"communityId": cid, "templateId": template["id"], "memberId": member}))["data"][
        "issueCertificate"
    ]["certificate"]
    async with guildhall.client() as public:
        credential = (await public.get(f"/certificates/{issued['serial']}.json")).json()["credential"]
        list_url = credential["credentialStatus"]["statusListCredential"]
        status_list = (await public.get(f"/certificates/status-lists/{cid}")).json()
        profile = (await public.get(f"/certificates/issuers/{cid}")).json()
    genuine = independently_verified(node_verifier, credential, status_list)
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["achievement"]["name"] = "100 天早起"
    forged = independently_verified(node_verifier, changed, status_list)
    await admin(REVOKE, input={"communityId": cid, "certificateId": issued["id"], "reason": "issued in error"})
    async with guildhall.client() as public:
        after = (await public.get(f"/certificates/status-lists/{cid}")).json()
    revoked = independently_verified(node_verifier, credential, after)

    assert genuine == {"verified": True, "status": "valid", "errors": []}, genuine
    assert forged["verified"] is False
    assert revoked["status"] == "revoked", revoked  # still the issuer's signature; the list says revoked
    assert list_url.endswith(f"/certificates/status-lists/{cid}") and status_list["id"] == list_url
    assert credential["issuer"]["id"] == profile["id"] == credential["proof"]["verificationMethod"].split("#")[0]
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

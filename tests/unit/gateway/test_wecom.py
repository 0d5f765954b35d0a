"""WeCom: every crypto vector, the GET handshake, encrypted XML posts, XML bombs."""

from __future__ import annotations

import pytest

from contracts.chat import ChatMemberJoinedGroup, ChatMessageReceived
from gateway.connectors.base import WebhookMalformed, WebhookRejected
from gateway.connectors.wecom import WecomConnector, _fields, decrypt, encrypt, msg_signature, parse_xml
from tests.support.webhooks import at, connection, load, request

CONNECTOR = WecomConnector(api_url="http://wecom.invalid")
VECTORS = load("wecom/crypto_vectors.json")
NOW = at(1_476_422_779)


def credentials(config: dict[str, str]) -> dict[str, str]:
    return {"token": config["token"], "encoding_aes_key": config["encoding_aes_key"], "corp_id": config["corp_id"]}


def post(name: str):
    fixture = load(name)
    delivery = request(fixture["raw_body"], query=fixture["query"], content_type="text/xml")
    document = CONNECTOR.verify(delivery, credentials(fixture["config"]), now=NOW)
    return CONNECTOR.parse(document, connection=connection("wecom"))


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_crypto_vectors(vector: dict[str, str]) -> None:
    if "expected_encrypt" in vector:
        sealed = encrypt(
            vector["encoding_aes_key"],
            vector["plaintext"].encode(),
            vector["corp_id"],
            random=vector["random"].encode(),
        )
        assert sealed == vector["expected_encrypt"]
        signature = msg_signature(vector["token"], vector["timestamp"], vector["nonce"], sealed)
        assert signature == vector["expected_msg_signature"]
        return
    signature = msg_signature(vector["token"], vector["timestamp"], vector["nonce"], vector["encrypt"])
    if "expect" in vector:
        assert signature != vector["msg_signature"]
        return
    assert signature == vector["msg_signature"]
    message, receive_id = decrypt(vector["encoding_aes_key"], vector["encrypt"])
    assert message.decode() == vector["decrypted_msg"]
    assert receive_id == vector["corp_id"]


def test_get_handshake_answers_the_decrypted_echostr_exactly() -> None:
    fixture = load("wecom/url_verify_get.json")

    delivery = request(method="GET", query=fixture["query"], content_type="")
    inbound = CONNECTOR.parse(
        CONNECTOR.verify(delivery, credentials(fixture["config"]), now=NOW), connection=connection("wecom")
    )

    assert inbound.reply.body == fixture["expected_response_body"].encode()
    assert not inbound.events


def test_get_handshake_with_the_wechatpy_negative_nonce_is_rejected() -> None:
    vector = next(v for v in VECTORS["vectors"] if "expect" in v)
    query = {
        "msg_signature": vector["msg_signature"],
        "timestamp": vector["timestamp"],
        "nonce": vector["nonce"],
        "echostr": vector["encrypt"],
    }

    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(method="GET", query=query), credentials(vector), now=NOW)


@pytest.mark.parametrize(
    ("name", "text", "sender", "key"),
    [
        ("wecom/message_text_post.json", "你好", "ChenJiaShun", "msg:1456453720"),
        ("wecom/message_text_post_wechatpy.json", "test", "messense", "msg:4363689963896700987"),
        ("wecom/message_text_checkin_post.json", "打卡", "ChenJiaShun", "msg:1456453721"),
    ],
)
def test_encrypted_text_posts(name: str, text: str, sender: str, key: str) -> None:
    inbound = post(name)

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert (message.text, message.sender.platform_user_id) == (text, sender)
    assert inbound.dedupe_key == key
    assert inbound.reply.status == 200
    assert inbound.reply.body == b""


def test_a_receive_id_of_another_corp_is_rejected() -> None:
    fixture = load("wecom/message_text_post.json")
    delivery = request(fixture["raw_body"], query=fixture["query"], content_type="text/xml")

    with pytest.raises(WebhookRejected, match="CorpID"):
        CONNECTOR.verify(delivery, {**credentials(fixture["config"]), "corp_id": "ww_other"}, now=NOW)


def test_a_wrong_signature_is_rejected() -> None:
    fixture = load("wecom/message_text_post.json")
    delivery = request(fixture["raw_body"], query={**fixture["query"], "nonce": "1"}, content_type="text/xml")

    with pytest.raises(WebhookRejected, match="msg_signature"):
        CONNECTOR.verify(delivery, credentials(fixture["config"]), now=NOW)


def test_the_plain_subscribe_event_parses_and_is_acknowledged() -> None:
    fixture = load("wecom/event_subscribe_plain.json")
    root = parse_xml(fixture["decrypted_xml"])
    document = {child.tag: (child.text or "").strip() for child in root}

    inbound = CONNECTOR.parse(document, connection=connection("wecom"))

    assert document["Event"] == "subscribe"
    assert not inbound.events
    assert inbound.dedupe_key == "event:FromUser:123456789:subscribe:"


def test_customer_group_member_changes_are_joins() -> None:
    xml = (
        "<xml><ToUserName>ww1</ToUserName><FromUserName>sys</FromUserName><CreateTime>1403610513</CreateTime>"
        "<MsgType>event</MsgType><Event>change_external_chat</Event><ChatId>wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA</ChatId>"
        "<ChangeType>update</ChangeType><UpdateDetail>add_member</UpdateDetail>"
        "<MemChangeList><Item>Jack</Item><Item>Rose</Item></MemChangeList></xml>"
    )
    inbound = CONNECTOR.parse(_fields(parse_xml(xml)), connection=connection("wecom"))

    assert [e.member.platform_user_id for e in inbound.events if isinstance(e, ChatMemberJoinedGroup)] == [
        "Jack",
        "Rose",
    ]


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<xml><Encrypt>&lol2;</Encrypt></xml>",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>',
        "<xml><Encrypt>unclosed",
        "not xml at all",
    ],
    ids=["billion-laughs", "external-entity", "truncated", "garbage"],
)
def test_xml_bombs_and_broken_xml_are_malformed(body: str) -> None:
    fixture = load("wecom/message_text_post.json")

    with pytest.raises(WebhookMalformed):
        CONNECTOR.verify(
            request(body, query=fixture["query"], content_type="text/xml"), credentials(fixture["config"]), now=NOW
        )

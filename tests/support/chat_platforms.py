"""Signed webhook deliveries built from the shared fixture payloads, as each platform would send them.

A script takes a fixture body, moves it into the test's chat (chat id, person, event and message ids,
times) and signs it with the connection's credentials exactly as the platform does: Telegram's secret
header, Slack's HMAC over ``v0:ts:body``, Feishu's AES envelope with ``X-Lark-Signature``, WeCom's AES
XML with ``msg_signature``, DingTalk's timestamp HMAC, and Discord Gateway events forwarded by our relay
with Standard Webhooks. The signing primitives are the connectors' own; the encryption the connectors
only undo is written here from the documented algorithm.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from gateway import standard_webhooks
from gateway.connectors import dingtalk, feishu, wecom
from tests.support.webhooks import load

_serial = itertools.count(1)


@dataclass(frozen=True)
class Signed:
    """One HTTP delivery: post ``body`` with ``headers`` and ``query`` to the connection's webhook path."""

    body: bytes
    headers: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)


def compact(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def unique(prefix: str = "") -> str:
    return f"{prefix}{next(_serial)}{os.urandom(4).hex()}"


def feishu_encrypt(encrypt_key: str, plaintext: bytes) -> str:
    """Feishu's event encryption: AES-256-CBC, key SHA-256(encrypt_key), random IV in front, PKCS#7, base64."""
    key = hashlib.sha256(encrypt_key.encode()).digest()
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode()


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class PlatformScript:
    """What one person does in one chat of one platform, as signed deliveries.

    ``has_join_and_leave`` is False where the platform sends no such webhook (DingTalk robots get
    messages only). ``messages_in_group`` is False where messages arrive in the person's one-to-one
    conversation with the app rather than in the group (WeCom self-built apps).
    """

    platform: ClassVar[str]
    has_join_and_leave: ClassVar[bool] = True
    messages_in_group: ClassVar[bool] = True

    def __init__(self, credentials: dict[str, str], *, chat_id: str, user_id: str, display_name: str) -> None:
        self.credentials = credentials
        self.chat_id = chat_id
        self.user_id = user_id
        self.display_name = display_name

    def join(self, at: datetime) -> Signed:
        raise NotImplementedError(f"{self.platform} sends no join webhook")

    def message(self, text: str, at: datetime) -> Signed:
        raise NotImplementedError

    def leave(self, at: datetime) -> Signed:
        raise NotImplementedError(f"{self.platform} sends no leave webhook")


class TelegramScript(PlatformScript):
    platform = "telegram"

    def __init__(self) -> None:
        secret = {"bot_token": "123:abc", "secret_token": unique("tg-secret-")}
        super().__init__(secret, chat_id="-1002178505120", user_id="55", display_name="new_user")

    def _user(self) -> dict[str, Any]:
        return {"id": int(self.user_id), "is_bot": False, "first_name": self.display_name}

    def _signed(self, update: dict[str, Any], at: datetime) -> Signed:
        update["update_id"] = 10_000 + next(_serial)
        message = update["message"]
        message["chat"].update(id=int(self.chat_id), type="supergroup")
        message["message_id"] = 2_000 + next(_serial)
        message["date"] = int(at.timestamp())
        headers = {
            "content-type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": self.credentials["secret_token"],
        }
        return Signed(compact(update), headers)

    def join(self, at: datetime) -> Signed:
        update = copy.deepcopy(load("telegram/new_chat_members.json"))
        message = update["message"]
        message["new_chat_members"] = [self._user()]
        message["new_chat_member"] = message["new_chat_participant"] = self._user()
        return self._signed(update, at)

    def message(self, text: str, at: datetime) -> Signed:
        update = copy.deepcopy(load("telegram/message_group_text.json"))
        update["message"].update({"from": self._user(), "text": text})
        return self._signed(update, at)

    def leave(self, at: datetime) -> Signed:
        update = copy.deepcopy(load("telegram/left_chat_member.json"))
        message = update["message"]
        message["from"] = message["left_chat_member"] = message["left_chat_participant"] = self._user()
        return self._signed(update, at)


class SlackScript(PlatformScript):
    platform = "slack"

    def __init__(self) -> None:
        secret = {"signing_secret": unique("slack-signing-")}
        super().__init__(secret, chat_id="C0JOURNEY1", user_id="U999", display_name="")

    def _signed(self, callback: dict[str, Any], at: datetime) -> Signed:
        callback["event_id"] = unique("Ev")
        callback["event_time"] = int(at.timestamp())
        callback["event"].update(channel=self.chat_id, user=self.user_id)
        body = compact(callback)
        timestamp = str(int(at.timestamp()))
        headers = {
            "content-type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": slack_signature(self.credentials["signing_secret"], timestamp, body),
        }
        return Signed(body, headers)

    def join(self, at: datetime) -> Signed:
        return self._signed(copy.deepcopy(load("slack/event_member_joined_channel_bolt.json")), at)

    def message(self, text: str, at: datetime) -> Signed:
        callback = copy.deepcopy(load("slack/event_message_channels.json"))
        ts = f"{at.timestamp():.6f}"
        callback["event"].update(text=text, ts=ts, event_ts=ts)
        return self._signed(callback, at)

    def leave(self, at: datetime) -> Signed:
        return self._signed(copy.deepcopy(load("slack/event_member_left_channel_bolt.json")), at)


class FeishuScript(PlatformScript):
    """Encrypted events (an Encrypt Key is set), so every delivery is also signed."""

    platform = "feishu"

    def __init__(self) -> None:
        secret = {"verification_token": unique("vt-"), "encrypt_key": unique("ek-")}
        super().__init__(
            secret,
            chat_id="oc_413871888e0d5492e25b173f0812efb7",
            user_id="ou_5df8b925054285f7166bf8b6ff03341f",
            display_name="user name",
        )

    def _signed(self, event: dict[str, Any], at: datetime) -> Signed:
        millis = str(int(at.timestamp() * 1000))
        event["header"].update(event_id=unique(), token=self.credentials["verification_token"], create_time=millis)
        encrypt_key = self.credentials["encrypt_key"]
        body = compact({"encrypt": feishu_encrypt(encrypt_key, compact(event))})
        timestamp, nonce = str(int(at.timestamp())), unique("nonce")
        headers = {
            "content-type": "application/json",
            "X-Lark-Request-Timestamp": timestamp,
            "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": feishu.signature(timestamp=timestamp, nonce=nonce, encrypt_key=encrypt_key, body=body),
        }
        return Signed(body, headers)

    def _members(self, event_type: str, at: datetime) -> Signed:
        event = copy.deepcopy(load("feishu/chat_member_user_added.json"))
        event["header"]["event_type"] = event_type
        event["event"]["chat_id"] = self.chat_id
        event["event"]["users"][0]["user_id"]["open_id"] = self.user_id
        return self._signed(event, at)

    def join(self, at: datetime) -> Signed:
        return self._members("im.chat.member.user.added_v1", at)

    def message(self, text: str, at: datetime) -> Signed:
        event = copy.deepcopy(load("feishu/message_receive_group_checkin.json"))
        message = event["event"]["message"]
        millis = str(int(at.timestamp() * 1000))
        message.update(
            chat_id=self.chat_id,
            message_id=unique("om_"),
            content=json.dumps({"text": text}, ensure_ascii=False),
            create_time=millis,
            update_time=millis,
        )
        event["event"]["sender"]["sender_id"]["open_id"] = self.user_id
        return self._signed(event, at)

    def leave(self, at: datetime) -> Signed:
        # The documented "user left the group" event has the added event's shape.
        return self._members("im.chat.member.user.deleted_v1", at)


_WECOM_EXTERNAL_CHAT = (
    "<xml><ToUserName><![CDATA[{corp}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
    "<CreateTime>{time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
    "<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[{chat}]]></ChatId>"
    "<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[{detail}]]></UpdateDetail>"
    "<JoinScene>1</JoinScene><QuitScene>0</QuitScene><MemChangeCnt>1</MemChangeCnt>"
    "<MemChangeList><Item><![CDATA[{user}]]></Item></MemChangeList></xml>"
)


class WecomScript(PlatformScript):
    """Customer-group changes (``change_external_chat``, composed from the 客户联系 docs: the corpus has no
    verbatim sample) join and leave; messages reach a self-built app one to one, so they carry the person
    but not the group."""

    platform = "wecom"
    messages_in_group = False

    def __init__(self) -> None:
        config = dict(load("wecom/message_text_checkin_post.json")["config"])
        super().__init__(config, chat_id="wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", user_id="ChenJiaShun", display_name="")

    def _signed(self, xml: str, at: datetime) -> Signed:
        corp = self.credentials["corp_id"]
        encrypted = wecom.encrypt(self.credentials["encoding_aes_key"], xml.encode(), corp, random=os.urandom(16))
        timestamp, nonce = str(int(at.timestamp())), str(int.from_bytes(os.urandom(4), "big"))
        signature = wecom.msg_signature(self.credentials["token"], timestamp, nonce, encrypted)
        body = (
            f"<xml><ToUserName><![CDATA[{corp}]]></ToUserName>\n<Encrypt><![CDATA[{encrypted}]]></Encrypt>\n"
            "<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
        )
        query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
        return Signed(body.encode(), {"content-type": "text/xml"}, query)

    def _change(self, detail: str, at: datetime) -> Signed:
        corp = self.credentials["corp_id"]
        xml = _WECOM_EXTERNAL_CHAT.format(
            corp=corp, time=int(at.timestamp()), chat=self.chat_id, detail=detail, user=self.user_id
        )
        return self._signed(xml, at)

    def join(self, at: datetime) -> Signed:
        return self._change("add_member", at)

    def message(self, text: str, at: datetime) -> Signed:
        xml = load("wecom/message_text_checkin_post.json")["decrypted_xml"]
        xml = xml.replace("<Content><![CDATA[打卡]]></Content>", f"<Content><![CDATA[{text}]]></Content>")
        xml = xml.replace("<MsgId>1456453721</MsgId>", f"<MsgId>{1_456_000_000 + next(_serial)}</MsgId>")
        xml = xml.replace("<CreateTime>1476422900</CreateTime>", f"<CreateTime>{int(at.timestamp())}</CreateTime>")
        xml = xml.replace("ChenJiaShun", self.user_id)
        return self._signed(xml, at)

    def leave(self, at: datetime) -> Signed:
        return self._change("del_member", at)


class DingtalkScript(PlatformScript):
    platform = "dingtalk"
    has_join_and_leave = False

    def __init__(self) -> None:
        secret = {"app_secret": unique("ding-secret-")}
        super().__init__(secret, chat_id="cidJourney0123456789==", user_id="user123", display_name="杨xx")

    def message(self, text: str, at: datetime) -> Signed:
        callback = copy.deepcopy(load("dingtalk/message_group_checkin.json"))
        callback.update(
            conversationId=self.chat_id,
            senderStaffId=self.user_id,
            msgId=unique("msg"),
            createAt=int(at.timestamp() * 1000),
            text={"content": f" {text}"},  # the @robot mention leaves a leading space
        )
        timestamp = str(int(at.timestamp() * 1000))
        headers = {
            "content-type": "application/json",
            "timestamp": timestamp,
            "sign": dingtalk.sign(self.credentials["app_secret"], timestamp),
        }
        return Signed(compact(callback), headers)


class DiscordScript(PlatformScript):
    """Gateway dispatches (not HTTP webhooks) forwarded by our relay, signed with the relay secret."""

    platform = "discord"

    def __init__(self) -> None:
        relay_secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
        public_key = load("discord/signature_vectors.json")["public_key_hex"]
        super().__init__(
            {"public_key": public_key, "relay_secret": relay_secret},
            chat_id="290926798626357999",
            user_id="80351110224678912",
            display_name="Nelly",
        )

    def _signed(self, dispatch: dict[str, Any], at: datetime) -> Signed:
        dispatch["d"]["guild_id"] = self.chat_id
        body = compact(dispatch)
        msg_id, timestamp = unique("msg_"), int(at.timestamp())
        signature = standard_webhooks.sign(
            self.credentials["relay_secret"], msg_id=msg_id, timestamp=timestamp, body=body
        )
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
        return Signed(body, headers)

    def join(self, at: datetime) -> Signed:
        dispatch = copy.deepcopy(load("discord/gateway_guild_member_add.json"))
        dispatch["d"]["user"]["id"] = self.user_id
        dispatch["d"]["nick"] = None
        dispatch["d"]["joined_at"] = at.isoformat()
        return self._signed(dispatch, at)

    def message(self, text: str, at: datetime) -> Signed:
        dispatch = copy.deepcopy(load("discord/gateway_message_create.json"))
        data = dispatch["d"]
        data.update(id=str(334385199974967042 + next(_serial)), content=text, timestamp=at.isoformat())
        data["author"].update(id=self.user_id, username=self.display_name)
        return self._signed(dispatch, at)

    def leave(self, at: datetime) -> Signed:
        # GUILD_MEMBER_REMOVE carries the guild and the user (Discord's documented shape; no fixture).
        user = {"id": self.user_id, "username": self.display_name}
        return self._signed({"op": 0, "t": "GUILD_MEMBER_REMOVE", "s": 44, "d": {"user": user}}, at)


SCRIPTS: dict[str, Callable[[], PlatformScript]] = {
    script.platform: script
    for script in (TelegramScript, SlackScript, FeishuScript, WecomScript, DingtalkScript, DiscordScript)
}

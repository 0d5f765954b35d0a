"""One module per chat platform, each behind the ``Connector`` interface of ``base``."""

from __future__ import annotations

from gateway.connectors.base import (
    ActionUnsupported,
    ConnectionRef,
    Connector,
    CredentialFields,
    Credentials,
    Delivered,
    Document,
    Inbound,
    PlatformCall,
    PlatformError,
    Reply,
    WebhookMalformed,
    WebhookRejected,
    WebhookRequest,
)
from gateway.connectors.dingtalk import DingtalkConnector
from gateway.connectors.discord import DiscordConnector
from gateway.connectors.feishu import FeishuConnector
from gateway.connectors.generic import GenericConnector
from gateway.connectors.slack import SlackConnector
from gateway.connectors.telegram import TelegramConnector
from gateway.connectors.wecom import WecomConnector
from gateway.settings import GatewaySettings


def build_connectors(settings: GatewaySettings) -> dict[str, Connector]:
    """Every connector, keyed by platform, calling the platform APIs named in ``settings``."""
    connectors: list[Connector] = [
        TelegramConnector(api_url=settings.telegram_api_url),
        SlackConnector(api_url=settings.slack_api_url),
        DiscordConnector(api_url=settings.discord_api_url),
        FeishuConnector(api_url=settings.feishu_api_url),
        WecomConnector(api_url=settings.wecom_api_url),
        DingtalkConnector(api_url=settings.dingtalk_api_url, oapi_url=settings.dingtalk_oapi_url),
        GenericConnector(),
    ]
    return {connector.platform: connector for connector in connectors}


__all__ = [
    "ActionUnsupported",
    "ConnectionRef",
    "Connector",
    "CredentialFields",
    "Credentials",
    "Delivered",
    "Document",
    "Inbound",
    "PlatformCall",
    "PlatformError",
    "Reply",
    "WebhookMalformed",
    "WebhookRejected",
    "WebhookRequest",
    "build_connectors",
]

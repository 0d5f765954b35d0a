"""Webhook ingress: chat platforms' deliveries in, ``chat.*`` events out through the outbox."""

from gateway.ingress.webhooks import WebhookIngress

__all__ = ["WebhookIngress"]

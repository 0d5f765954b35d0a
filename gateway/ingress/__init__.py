"""Webhook ingress: chat platforms' deliveries in, ``chat.*`` events out through the outbox."""

from gateway.ingress.webhooks import webhook_router

__all__ = ["webhook_router"]

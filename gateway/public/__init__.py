"""Public pages of the gateway, served without an API key: the live codes' join links."""

from gateway.public.join import join_router

__all__ = ["join_router"]

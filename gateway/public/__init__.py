"""Public pages of the gateway, served without an API key: the live codes' join links, certificates."""

from gateway.public.certificate import certificate_router
from gateway.public.join import join_router

__all__ = ["certificate_router", "join_router"]

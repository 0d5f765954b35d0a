"""Public pages of the gateway, served without an API key: the live codes' join links, certificates;
and the live codes' QR images (with an API key: services are never exposed)."""

from gateway.public.certificate import certificate_router
from gateway.public.join import join_router
from gateway.public.live_code_qr import live_code_qr_router

__all__ = ["certificate_router", "join_router", "live_code_qr_router"]

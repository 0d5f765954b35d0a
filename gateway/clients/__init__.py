"""Typed httpx clients of the services. No GraphQL in here."""

from gateway.clients.base import ServiceProblem
from gateway.clients.content import ContentClient
from gateway.clients.gamification import GamificationClient
from gateway.clients.membership import MembershipClient

__all__ = ["ContentClient", "GamificationClient", "MembershipClient", "ServiceProblem"]

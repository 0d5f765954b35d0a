"""Scheduled work of the membership service (expiry, purge) lands here with its issues."""

from __future__ import annotations

"""Scheduled work of the gamification service (badge backfill, decay, rollovers) lands here with its issues."""

from __future__ import annotations

"""Scheduled work of the content service (broadcasts, drip, rituals) lands here with its issues."""

from __future__ import annotations

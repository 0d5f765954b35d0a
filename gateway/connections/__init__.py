"""Connections: a community's accounts on chat platforms, with credentials sealed at rest."""

"""Channels, configuration and entry points of the IMT follow-up assistant."""

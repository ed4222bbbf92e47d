"""Waypoint: a Telegram companion for young people supported by a No Wrong Door hub."""

__version__ = "0.1.0"

"""Babel: locale-aware dates and times in concrete words."""

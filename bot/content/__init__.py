"""Loads the wording in content/, which speech and language therapists own."""

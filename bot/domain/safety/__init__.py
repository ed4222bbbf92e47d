"""Safeguarding rules: finding worrying words in what a young person writes."""

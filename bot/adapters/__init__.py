"""The edges: the database, Telegram and the outbox."""

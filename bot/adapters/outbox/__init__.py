"""The one way out: durable, prioritised, rate-limited sending."""

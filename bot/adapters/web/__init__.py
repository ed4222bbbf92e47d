"""The staff console: a web app on the same ASGI server as the webhook (issue 15)."""

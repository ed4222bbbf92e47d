"""python-telegram-bot handlers: parse the update, call a service, render content."""

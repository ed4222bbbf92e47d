"""Developer tools that ship with the package: a fake Telegram Bot API server and its spec."""

"""Ways in: the command line, the running bot and the offline demo."""

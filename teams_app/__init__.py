"""Learning Loop: the service (domain, use cases, bot, web server, jobs, storage, CLI)."""

"""Adapters: the ports of teams_app.ports on real technology. Only bootstrap imports them."""

"""Adapters: the ports of teams_app.ports implemented on real technology. Only bootstrap imports them."""

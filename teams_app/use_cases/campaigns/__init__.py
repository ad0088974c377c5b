"""Campaigns (issue 12): creating, sending and closing them, and the answers people give."""

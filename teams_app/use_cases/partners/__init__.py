"""Learning partners (issue 13): a plan's owner pairs its members; each person sees their
partners, and every few weeks a coaching check-in asks how their partner's learning went."""

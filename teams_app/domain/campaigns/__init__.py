"""Campaigns (issue 12): who is asked which form, when, how often they are reminded, and how
their answers are kept (named or anonymous, aggregates only from k answers). Pure: no I/O."""

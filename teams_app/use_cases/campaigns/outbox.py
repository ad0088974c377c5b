"""The seam to the SharePoint outbox (issue 12, "Results in SharePoint"; built beside this).

Every response the database accepts passes here, inside the transaction that stores it. Today
it only leaves the row's `exported` flag False (the repository writes it so), which is what the
outbox will read: it sweeps responses not yet exported in batches, writes each to its list by
its random response key (an idempotent upsert) and sets the flag.

Why a flag the outbox sweeps, and no job per response: a job row carries a precise creation
time, and so would tie an anonymous response to the moment its prompt was answered. The sweep
carries only response keys (docs/campaigns.md, "Anonymity")."""

from __future__ import annotations

from teams_app.ports import UnitOfWork


async def hand_to_outbox(tx: UnitOfWork, response_key: str) -> None:
    """Next: the outbox. The response `response_key` waits in `campaign_responses` with
    `exported` False; nothing more is needed from the answer's transaction."""
    del tx, response_key  # the flag is already False on every new or edited response

"""SQL implementations of the conversation store and the delivery log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.tables import conversations, deliveries, unreachable_people
from teams_app.domain.conversations import ConversationKind, ConversationRef
from teams_app.domain.reach import Unreachable, UnreachablePerson

_UPDATED_ON_SAVE = ("kind", "user_id", "tenant_id", "channel_id", "service_url", "locale",
                    "reference", "updated_at")


def _saved_values(ref: ConversationRef, at: datetime) -> dict[str, Any]:
    return {
        "kind": ref.kind.value,
        "user_id": ref.user_id,
        "tenant_id": ref.tenant_id,
        "channel_id": ref.channel_id,
        "service_url": ref.service_url,
        "locale": ref.locale,
        "reference": ref.reference,
        "updated_at": at,
    }


class SqlConversationStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(self, ref: ConversationRef, *, at: datetime) -> bool:
        values = _saved_values(ref, at)
        if ref.kind is ConversationKind.PERSONAL and ref.user_id:
            await self._connection.execute(
                delete(unreachable_people).where(unreachable_people.c.user_id == ref.user_id)
            )
        # Insert first: two turns of a new conversation may arrive together (Teams sends
        # installationUpdate and conversationUpdate at once), and only one insert can win.
        inserted = await self._connection.execute(
            insert_for(self._connection)(conversations)
            .values(conversation_id=ref.conversation_id, created_at=at, **values)
            .on_conflict_do_nothing(index_elements=["conversation_id"])
        )
        if inserted.rowcount:
            return True
        await self._connection.execute(
            update(conversations)
            .where(conversations.c.conversation_id == ref.conversation_id)
            .values(values)
        )
        return False

    async def save_all(self, refs: Sequence[ConversationRef], *, at: datetime) -> None:
        if not refs:
            return
        people = sorted(
            {ref.user_id for ref in refs if ref.kind is ConversationKind.PERSONAL and ref.user_id}
        )
        if people:
            await self._connection.execute(
                delete(unreachable_people).where(unreachable_people.c.user_id.in_(people))
            )
        insert = insert_for(self._connection)(conversations)
        # An upsert, unlike `save`'s insert-then-update: one statement for the whole batch, and
        # two turns of a new conversation in two batches still store it once.
        await self._connection.execute(
            insert.on_conflict_do_update(
                index_elements=["conversation_id"],
                set_={name: insert.excluded[name] for name in _UPDATED_ON_SAVE},
            ),
            [
                {"conversation_id": ref.conversation_id, "created_at": at,
                 **_saved_values(ref, at)}
                for ref in refs
            ],
        )

    async def get(self, conversation_id: str) -> ConversationRef | None:
        row = (
            await self._connection.execute(
                select(conversations).where(conversations.c.conversation_id == conversation_id)
            )
        ).mappings().first()
        return _to_ref(row) if row else None

    async def personal_chat_of(self, user_id: str) -> ConversationRef | None:
        row = (
            await self._connection.execute(
                select(conversations)
                .where(
                    conversations.c.user_id == user_id,
                    conversations.c.kind == ConversationKind.PERSONAL.value,
                )
                .order_by(conversations.c.updated_at.desc())
                .limit(1)
            )
        ).mappings().first()
        return _to_ref(row) if row else None


    async def latest_in_tenant(self, tenant_id: str | None) -> ConversationRef | None:
        query = select(conversations).order_by(conversations.c.updated_at.desc()).limit(1)
        if tenant_id:
            query = query.where(conversations.c.tenant_id == tenant_id)
        row = (await self._connection.execute(query)).mappings().first()
        return _to_ref(row) if row else None

    async def mark_unreachable(self, user_id: str, reason: Unreachable, *, at: datetime) -> None:
        # The first time of a reason is kept: "since" tells the owner how long it has lasted.
        inserted = await self._connection.execute(
            insert_for(self._connection)(unreachable_people)
            .values(user_id=user_id, reason=reason.value, since=at)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        if not inserted.rowcount:
            await self._connection.execute(
                update(unreachable_people)
                .where(
                    unreachable_people.c.user_id == user_id,
                    unreachable_people.c.reason != reason.value,
                )
                .values(reason=reason.value, since=at)
            )

    async def unreachable_among(
        self, user_ids: Sequence[str]
    ) -> dict[str, UnreachablePerson]:
        found: dict[str, UnreachablePerson] = {}
        ids = list(dict.fromkeys(user_ids))
        for start in range(0, len(ids), 500):  # keeps each IN list under SQLite's limits
            rows = await self._connection.execute(
                select(unreachable_people).where(
                    unreachable_people.c.user_id.in_(ids[start : start + 500])
                )
            )
            for row in rows.mappings():
                found[row["user_id"]] = UnreachablePerson(
                    row["user_id"], Unreachable(row["reason"]), row["since"]
                )
        return found


def _to_ref(row: Any) -> ConversationRef:
    return ConversationRef(
        conversation_id=row["conversation_id"],
        kind=ConversationKind.parse(row["kind"]),
        channel_id=row["channel_id"],
        service_url=row["service_url"],
        user_id=row["user_id"],
        tenant_id=row["tenant_id"],
        locale=row["locale"],
        reference=dict(row["reference"] or {}),
    )


class SqlDeliveryLog:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def find(self, delivery_key: str) -> str | None:
        row = (
            await self._connection.execute(
                select(deliveries.c.activity_id).where(deliveries.c.delivery_key == delivery_key)
            )
        ).first()
        if row is None:
            return None
        return row.activity_id or ""

    async def record(
        self, delivery_key: str, conversation_id: str, activity_id: str | None, *, at: datetime
    ) -> bool:
        """Record a send; False when the key was already recorded (or claimed)."""
        result = await self._connection.execute(
            insert_for(self._connection)(deliveries)
            .values(
                delivery_key=delivery_key,
                conversation_id=conversation_id,
                activity_id=activity_id,
                sent_at=at,
            )
            .on_conflict_do_nothing(index_elements=["delivery_key"])
        )
        return bool(result.rowcount)

    async def confirm(self, delivery_key: str, activity_id: str | None) -> None:
        await self._connection.execute(
            update(deliveries)
            .where(deliveries.c.delivery_key == delivery_key)
            .values(activity_id=activity_id)
        )

    async def release(self, delivery_key: str) -> None:
        await self._connection.execute(
            delete(deliveries).where(deliveries.c.delivery_key == delivery_key)
        )

"""A card message as the SDK sends it: its own copy of the activity, the card shared as built."""

from __future__ import annotations

import copy

from teams_app.bot.routing import card_message


def test_the_sdk_s_copy_of_a_card_message_shares_the_card_and_sends_it_unchanged() -> None:
    card = {"type": "AdaptiveCard", "version": "1.5",
            "body": [{"type": "TextBlock", "text": "Hej"}]}
    message = card_message(card, "Hej")
    sent = copy.deepcopy(message)  # what TurnContext.send_activities does before its edits
    sent.id = None
    assert sent is not message
    assert sent.attachments[0].content is message.attachments[0].content
    dumped = sent.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["attachments"][0]["content"] == card
    assert type(dumped["attachments"][0]["content"]) is dict

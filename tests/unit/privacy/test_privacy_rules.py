"""The pure rules of a person's own data: the confirmation's fingerprint, the erasure log's
keyed hash, the signed download link, and the cards in all four languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cards import erase_confirm_card, my_data_card, translator_for
from teams_app.bot.privacy.presenters import confirm_view, my_data_view
from teams_app.domain.privacy import (
    BadLink,
    Holding,
    fingerprint,
    open_link,
    person_hash,
    sign_link,
)
from teams_app.use_cases.privacy.holdings import PersonalDataReport
from tests.card_schema import assert_valid_card

AT = datetime(2026, 3, 2, 7, tzinfo=UTC)
ANSWER = Holding("campaigns", "response", "r-1", AT, ("database", "sharepoint:Check-ins"))
CHAT = Holding("conversations", "chat", "a:1", AT, significant=False)


def test_a_new_chat_keeps_the_fingerprint_and_a_new_answer_changes_it() -> None:
    base = fingerprint([ANSWER])
    assert fingerprint([ANSWER, CHAT]) == base
    assert fingerprint([ANSWER, Holding("campaigns", "response", "r-2", AT)]) != base
    edited = Holding("campaigns", "response", "r-1", AT + timedelta(minutes=1))
    assert fingerprint([edited]) != base
    assert fingerprint([]) != base


def test_the_hash_is_keyed() -> None:
    assert person_hash(b"k1", "p") != person_hash(b"k2", "p")
    assert person_hash(b"k1", "p") == person_hash(b"k1", "p")
    assert len(person_hash(b"k1", "p")) == 64


def test_a_link_opens_for_its_person_until_it_expires() -> None:
    token = sign_link(b"key", "person-1", AT + timedelta(minutes=15))
    assert open_link(b"key", token, now=AT) == "person-1"
    with pytest.raises(BadLink):
        open_link(b"key", token, now=AT + timedelta(minutes=15))
    with pytest.raises(BadLink):
        open_link(b"other", token, now=AT)
    forged = sign_link(b"key", "person-2", AT + timedelta(minutes=15)).split(".")[0]
    with pytest.raises(BadLink):
        open_link(b"key", f"{forged}.{token.split('.')[1]}", now=AT)
    for junk in ("", ".", "a.b", "%%%.%%%"):
        with pytest.raises(BadLink):
            open_link(b"key", junk, now=AT)


@pytest.mark.parametrize("locale", ["en-GB", "sv-SE", "nl-NL", "de-DE"])
def test_the_cards_are_valid_in_every_language(locale: str) -> None:
    t = translator_for(locale)
    report = PersonalDataReport("p", (ANSWER, CHAT), fingerprint([ANSWER, CHAT]))
    assert_valid_card(my_data_card(my_data_view(report, t)))
    assert_valid_card(erase_confirm_card(confirm_view(report, t)))
    empty = my_data_view(PersonalDataReport("p", (), fingerprint([])), t)
    assert empty.erase_button is None and empty.empty


def test_the_confirmation_says_how_many_owned_plans_stay() -> None:
    at = datetime(2026, 9, 1, tzinfo=UTC)
    held = (Holding("plans", "membership", "a", at),
            *(Holding("plans", "owned_plan", p, at, significant=False) for p in "bc"))
    t = translator_for("en")
    view = confirm_view(PersonalDataReport("p", held, fingerprint(held)), t)
    assert view.owned_stay is not None and "Your 2 plans stay" in view.owned_stay
    assert view.will_go[0] == "Your place in 1 plan, and its learning series in your calendar"
    one = confirm_view(PersonalDataReport("p", held[:2], fingerprint(held[:2])), t)
    assert one.owned_stay is not None and one.owned_stay.startswith("The plan you own stays")
    alone = held[:1]
    assert confirm_view(PersonalDataReport("p", alone, fingerprint(alone)), t).owned_stay is None
    assert fingerprint(held) == fingerprint(alone)  # owned plans are not what an erase takes

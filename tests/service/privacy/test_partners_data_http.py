"""Learning partners as a person's own data, through the real app: `my data` lists their
pairing and check-in, the export holds their words and not their partner's, erase takes them
out of the group (their partner is told the group shrank and gets no check-in about nobody) and
removes their check-ins; retention clears old check-in words."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from cards import PARTNER_HELP, PARTNER_WENT, translator_for, verbs
from teams_app.use_cases.privacy.retention import expire_answers
from tests.builders import an_activity
from tests.card_texts import all_texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan, run_jobs
from tests.service.partners.test_partners_http import check_in_card, send_data
from tests.service.partners.test_partners_http import press as press_sv
from tests.service.privacy.test_my_data_http import data_of, press, texts

SV = translator_for("sv")
WORDS = {PARTNER_WENT: "Bram finished module 2", PARTNER_HELP: "A quiet room"}


@pytest.fixture
async def checked_in(start_service: ServiceFactory, graph_emulator: GraphEmulator,
                     connector: FakeConnector) -> Booked:
    booked = await booked_plan(start_service, graph_emulator, connector)
    await press_sv(booked, verbs.PARTNERS_PAIR, {"plan_id": booked.plan_id}, as_=booked.owner)
    await run_jobs(booked.service)
    card = await check_in_card(booked)
    await press_sv(booked, verbs.PARTNER_CHECK_IN, send_data(card, **WORDS), as_=booked.member)
    return booked


async def pairing_id(booked: Booked) -> str:
    async with booked.services.uow() as tx:
        (pairing,) = await tx.partners.of_plan(booked.plan_id)
    return pairing.id


async def test_my_data_and_the_export_hold_the_pairing_and_their_words(
    checked_in: Booked
) -> None:
    booked = checked_in
    shown = texts(await press(booked, verbs.PRIVACY_SHOW, as_=booked.member))
    assert "Learning partners" in shown
    assert "Your learning partner pairings" in shown
    assert "Your check-ins on your partners and your answers" in shown
    swedish = texts(await press(booked, verbs.PRIVACY_SHOW, as_=booked.member, locale="sv-SE"))
    assert "Dina avstämningar om dina partner och dina svar" in swedish

    card = await press(booked, verbs.PRIVACY_EXPORT, as_=booked.member)
    (link,) = [a["url"] for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    url = f"{booked.service.url}/privacy/export/{link.split('/privacy/export/', 1)[1]}"
    async with booked.service.http.get(url) as response:
        assert response.status == 200
        archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    data = json.loads(archive.read("data.json"))
    (check_in,) = [h for h in data["holdings"] if h["kind"] == "partner_check_in"]
    assert (check_in["went"], check_in["would_help"]) == (WORDS[PARTNER_WENT],
                                                          WORDS[PARTNER_HELP])
    (group,) = [h for h in data["holdings"] if h["kind"] == "partner_group"]
    assert group["partners"] == [booked.silent] and group["plan_id"] == booked.plan_id
    assert {"partner_check_in.csv", "partner_group.csv"} <= set(archive.namelist())

    # Bram's export: his pairing, not Astrid's words about him.
    async with booked.services.uow(read_only=True) as tx:
        his = [h for s in tx.personal_data for h in await s.export(booked.silent)]
    (his_check_in,) = [h for h in his if h.kind == "partner_check_in"]  # his own, unanswered
    assert his_check_in.details["went"] is None
    assert WORDS[PARTNER_WENT] not in json.dumps([dict(h.details) for h in his], default=str)


async def test_erase_takes_them_out_of_the_group_and_their_partner_is_told(
    checked_in: Booked
) -> None:
    booked = checked_in
    pairing = await pairing_id(booked)
    confirm = await press(booked, verbs.PRIVACY_ERASE_ASK, as_=booked.member)
    assert "Your place in 1 learning partner pairing" in texts(confirm)
    erased = await press(booked, verbs.PRIVACY_ERASE, as_=booked.member,
                         data=data_of(confirm, verbs.PRIVACY_ERASE))
    assert "Learning partner pairings" in texts(erased)
    async with booked.services.uow() as tx:
        (after,) = await tx.partners.of_plan(booked.plan_id)
        assert after.groups == ((booked.silent,),)
        assert await tx.partners.check_in(pairing, booked.member, 1) is None
        assert await tx.partners.active_of_person(booked.member) == []
        (entry,) = await tx.erasures.recent(10)
    assert entry.counts["partner_groups"] == 1 and entry.counts["partner_check_ins"] == 1

    # Two weeks on, Bram is asked about no one.
    await booked.advance(timedelta(weeks=2))
    await run_jobs(booked.service)
    async with booked.services.uow() as tx:
        assert await tx.partners.check_in(pairing, booked.silent, 2) is None
    booked.connector.activities.clear()
    status, _ = await booked.service.post(an_activity(
        booked.connector.service_url, text="lärpartner", user_aad=booked.silent,
        conversation_id=f"a:personal-{booked.silent}", locale="sv-SE"))
    assert status in (200, 201, 202)
    await booked.connector.wait_for(1)
    replies = [a["content"] for activity in booked.connector.sent_to(
        f"a:personal-{booked.silent}") for a in activity.get("attachments") or []]
    assert SV("partners.line_alone", plan="Finish the cloud security course") in all_texts(
        replies[-1])


async def test_retention_clears_old_check_in_words(checked_in: Booked) -> None:
    booked = checked_in
    pairing = await pairing_id(booked)
    services = booked.services
    young = await expire_answers(uow=services.uow, clock=services.clock, months=24)
    assert "partner_check_in_answers" not in young.counts
    await booked.advance(timedelta(days=2 * 366))
    old = await expire_answers(uow=services.uow, clock=services.clock, months=24)
    assert old.counts["partner_check_in_answers"] == 1
    async with services.uow() as tx:
        stored = await tx.partners.check_in(pairing, booked.member, 1)
    assert stored is not None and stored.answered_at is not None
    assert (stored.went, stored.would_help) == (None, None)

"""End to end in the Agents Playground: a meeting end event (sent through the Playground's
custom-activity API) in the group chat starts a round, five of its six people answer on their
cards (each as themself: the Playground's invoke API takes the sender), with different sharing
choices; when the window closes the summary posted in the group chat shows exactly what each
allowed. A follow-up arrives after the configured days and its answer lands in the emulated
SharePoint list. Screenshots of the lead's card and the summary go to artifacts/e2e/reflections/,
and every reflection card (in Swedish, Dutch and German) to artifacts/e2e/gallery/reflections/."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from cards import follow_up_answer_card, translator_for, verbs
from cards.reflection_views import FollowUpAnswerView
from graph import demo_org
from teams_app.adapters.sql.reflection_tables import reflections
from teams_app.adapters.sql.tables import deliveries
from teams_app.bot.reflections import presenters as present
from teams_app.bot.reflections.handlers import MEETING_END
from teams_app.domain.forms.answers import validate_answers
from teams_app.domain.reflections.follow_ups import FollowUp
from teams_app.domain.reflections.rounds import Round, RoundSpec, Source
from teams_app.domain.reflections.sharing import ReflectionContent, Sharing, summarise
from teams_app.local.playground_config import GROUP_CHAT_NAME
from teams_app.ports.reflections import ParticipantCounts
from teams_app.use_cases.reflections.follow_ups import queue_due_follow_ups
from teams_app.use_cases.reflections.outbox import hand_reflections_to_outbox
from teams_app.use_cases.results.outbox import drain_outbox
from teams_app.use_cases.results.provisioning import provision_results
from tests.card_schema import assert_valid_card
from tests.card_texts import texts
from tests.e2e.conftest import ARTIFACTS, World, require_browser
from tests.e2e.gallery import show_gallery
from tests.e2e.playground_client import Message, adaptive_cards, card_contains, text_contains
from tests.e2e.screenshots import screenshot, wait_for_file
from tests.unit.forms.support import builtin_forms

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SHOTS = ARTIFACTS / "reflections"
GALLERY = ARTIFACTS / "gallery" / "reflections"
SUMMARY_TITLE = "Reflection round: what the group shared"


def is_reflection_card(message: Message) -> bool:
    return any(a.get("verb") == verbs.REFLECTION_SUBMIT
               for card in adaptive_cards(message) for a in card.get("actions") or [])


async def delivered(world: World, key: str, *, tries: int = 150) -> tuple[str, str]:
    """The chat and message id of the card the service sent under this delivery key."""
    for _ in range(tries):
        async with world.runtime.engine.connect() as connection:
            row = (await connection.execute(
                select(deliveries).where(deliveries.c.delivery_key == key))).mappings().first()
        if row is not None and row["activity_id"]:
            return str(row["conversation_id"]), str(row["activity_id"])
        await asyncio.sleep(0.2)
    raise AssertionError(f"nothing sent as {key}")


def answers(sharing: str, takeaway: str, action: str = "") -> dict[str, Any]:
    return {"takeaway": takeaway, "ways": "social", "hindrances": "no_time",
            "action": action, "action_by": "2026-12-31" if action else "", "sharing": sharing}


async def test_a_meeting_end_starts_a_round_and_the_summary_shows_what_each_allowed(
    world: World,
) -> None:
    require_browser()
    pg, runtime = world.playground, world.runtime
    services = runtime.services
    lead = pg.current_user_aad_id
    await pg.install(pg.personal_chat_id)
    await pg.install(pg.group_chat_id)
    # The lead's own card, as she sees it: the page is open before the bot speaks.
    ready = ARTIFACTS / f"ready-{uuid.uuid4().hex}"
    lead_shot = asyncio.create_task(screenshot(
        world.url, SHOTS / "1-reflection-card.png", ready_file=ready, whole_card=True,
        card_text="Reflektera över träffen", timeout=90))  # her Outlook speaks Swedish
    await wait_for_file(ready, lead_shot)
    mark = pg.mark()
    ended = runtime.clock.now()
    meeting = {"Id": f"e2e-{uuid.uuid4().hex}", "MeetingType": "Scheduled",
               "Title": "Weekly sync", "EndTime": ended.isoformat().replace("+00:00", "Z")}
    await pg.send_event(pg.group_chat_id, MEETING_END, value=meeting)
    notice = await pg.wait_for_message(pg.group_chat_id, text_contains("Reflection round started"),
                                       since=mark, timeout=30)
    assert "6 people asked" in str(notice.get("text") or notice)
    # The same event again (Teams repeats them): no second round, no second card.
    await pg.send_event(pg.group_chat_id, MEETING_END, value=meeting)
    assert (await lead_shot).stat().st_size > 20_000
    async with services.uow(read_only=True) as tx:
        assert len(await tx.reflections.recent_rounds(10)) == 1

    users = [(str(u["id"]), str(u["aadObjectId"])) for u in pg.config["users"]]
    choices = [(pg.current_user_id, lead, pg.personal_chat_id,
                answers("named", "Short loops beat long plans", "Demo every Friday")),
               (*users[0], None, answers("named", "Pairing helps me most", "Pair on a review")),
               (*users[1], None, answers("anonymous", "I need quiet time to read")),
               (*users[2], None, answers("private", "I got lost halfway", "Reread slides")),
               (*users[3], None, answers("anonymous", "Ask questions early", "Ask one a day"))]
    lead_card = await pg.wait_for_message(pg.personal_chat_id, is_reflection_card, since=0,
                                          timeout=60)
    (card,) = adaptive_cards(lead_card)
    assert_valid_card(card)
    data = next(a["data"] for a in card["actions"] if a["verb"] == verbs.REFLECTION_SUBMIT)
    for teams_id, person, chat, inputs in choices:
        if chat is None:
            # The Playground streams only its current user's chats: another person's card is
            # found by the message id Teams gave it (the delivery log), and answered as them.
            chat, message_id = await delivered(
                world, f"reflection.send:{data['round_id']}:{person}:0")
        else:
            message_id = str(lead_card["messageId"])
        answer = await pg.invoke_execute(chat, teams_id, message_id, verbs.REFLECTION_SUBMIT,
                                         {**data, **inputs})
        assert answer["type"] == "application/vnd.microsoft.card.adaptive", answer
        assert_valid_card(answer["value"])
        assert verbs.REFLECTION_SUBMIT not in str(answer["value"].get("actions"))
    async with runtime.engine.connect() as connection:
        rows = (await connection.execute(select(reflections))).mappings().all()
    by_sharing = sorted((r["sharing"], r["person_id"]) for r in rows)
    assert by_sharing == sorted([("named", lead), ("named", users[0][1]), ("anonymous", None),
                                 ("private", users[2][1]), ("anonymous", None)])

    # The window closes: the summary in the group chat, seen from the lead's Teams.
    ready = ARTIFACTS / f"ready-{uuid.uuid4().hex}"
    summary_shot = asyncio.create_task(screenshot(
        world.url, SHOTS / "2-summary.png", chat=GROUP_CHAT_NAME, ready_file=ready,
        whole_card=True, card_text=SUMMARY_TITLE, timeout=90))
    await wait_for_file(ready, summary_shot)
    mark = pg.mark()
    await runtime.advance_clock(timedelta(hours=25))
    summary_message = await pg.wait_for_message(pg.group_chat_id, card_contains(SUMMARY_TITLE),
                                                since=mark, timeout=60)
    (summary,) = adaptive_cards(summary_message)
    assert_valid_card(summary)
    shown = texts(summary).splitlines()
    assert "Reflected: 5 of 6" in shown
    for said in ("Short loops beat long plans", "Pairing helps me most",
                 "I need quiet time to read", "Ask questions early", "Demo every Friday",
                 "Pair on a review", "Ask one a day"):
        assert said in shown
    assert "I got lost halfway" not in shown and "Reread slides" not in shown  # private
    names = {demo_org.person(person).display_name for _, person in users}
    named_lines = [line for line in shown if any(line.startswith(n) for n in names)]
    assert any(line.startswith(demo_org.person(users[0][1]).display_name)
               for line in named_lines)
    assert not any(line.startswith(demo_org.person(users[1][1]).display_name)
                   for line in shown)  # anonymous: never named
    assert sum(line.startswith("Anonymous") for line in shown) == 3  # 2 take-aways, 1 action
    assert (await summary_shot).stat().st_size > 20_000

    # Pair as learning partners, on the summary in the group chat: pressed by someone who did
    # not organise the round (refused, nobody paired), then by the organiser (all six paired,
    # whether they reflected or not), then by the organiser again on the same old summary.
    pair = next(a for a in summary["actions"] if a.get("verb") == verbs.PARTNERS_PAIR)
    round_id = str(pair["data"]["round_id"])
    summary_id = str(summary_message["messageId"])
    refused = await pg.invoke_execute(pg.group_chat_id, users[0][0], summary_id,
                                      verbs.PARTNERS_PAIR, pair["data"])
    assert_valid_card(refused["value"])
    assert "Only the organiser of this reflection round" in texts(refused["value"])
    async with services.uow(read_only=True) as tx:
        assert await tx.partners.of_round(round_id) == []
    paired = await pg.invoke_execute(pg.group_chat_id, pg.current_user_id, summary_id,
                                     verbs.PARTNERS_PAIR, pair["data"])
    assert_valid_card(paired["value"])
    again = await pg.invoke_execute(pg.group_chat_id, pg.current_user_id, summary_id,
                                    verbs.PARTNERS_PAIR, pair["data"])
    assert_valid_card(again["value"])
    async with services.uow(read_only=True) as tx:
        (pairing,) = await tx.partners.of_round(round_id)  # the old summary paired nothing more
        asked = [p.person_id for p in await tx.reflections.participants(round_id)]
    assert len(asked) == 6 and lead in asked
    assert sorted(p for group in pairing.groups for p in group) == sorted(asked)
    assert sorted(len(group) for group in pairing.groups) == [2, 2, 2]

    # Fourteen days after the round, the named action's follow-up; its answer in SharePoint.
    await runtime.advance_clock(timedelta(days=14, hours=1))
    await queue_due_follow_ups(uow=services.uow, calendar=services.calendar,
                               clock=services.clock)
    async with services.uow(read_only=True) as tx:
        (follow_up,) = await tx.reflections.follow_ups_of(people=[users[0][1]])
    # It goes at her next working moment: move on half a day at a time until it has.
    for _ in range(8):
        try:
            chat, message_id = await delivered(world, f"reflection.follow_up:{follow_up.id}:1",
                                               tries=10)
            break
        except AssertionError:
            await runtime.advance_clock(timedelta(hours=12))
    else:
        raise AssertionError("the follow-up never went")
    data = {"follow_up_id": follow_up.id, "ask": 1, "form_key": "follow_up", "form_version": 1}
    answer = await pg.invoke_execute(chat, users[0][0], message_id, verbs.FOLLOW_UP_SUBMIT,
                                     {**data, "applied": "partly", "helped": "A patient pair"})
    assert_valid_card(answer["value"])
    await provision_results(demo_org.SHAREPOINT_SITE.url,
                            forms=await services.forms.every_version(), uow=services.uow,
                            lists=services.lists, clock=services.clock)
    found: dict[str, list[dict[str, Any]]] = {}
    for _ in range(50):
        await hand_reflections_to_outbox(uow=services.uow, forms=services.forms,
                                         clock=services.clock)
        await drain_outbox(uow=services.uow, lists=services.lists, clock=services.clock,
                           owner="e2e")
        lists = await world.graph("GET", "/_emulator/objects/lists")
        found = {x["displayName"]: [i["fields"] for i in x.get("items") or []] for x in lists}
        if found.get("Learning Loop follow-ups") and len(
                found.get("Learning Loop reflections") or []) == 4:
            break
        await asyncio.sleep(0.2)
    (follow_up,) = found["Learning Loop follow-ups"]
    assert follow_up["PersonId"] == users[0][1] and follow_up["applied"] == "partly"
    items = found["Learning Loop reflections"]
    assert sorted(i.get("PersonId") or "" for i in items) == sorted(
        ["", "", lead, users[0][1]])  # private stays home; anonymous without a person


def gallery() -> dict[str, dict[str, Any]]:
    """Every reflection card, as built for a person, in Swedish, Dutch and German."""
    forms = {form.key: form for form in builtin_forms()}
    reflection, follow_up_form = forms["reflection"], forms["follow_up"]
    at = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    rnd = Round.start(id="r-gallery", source=Source.MEETING, source_key="gallery",
                      conversation_id=None, organiser_id=None, form_key=reflection.key,
                      form_version=reflection.version, spec=RoundSpec(), at=at)
    given = validate_answers(reflection, {
        "takeaway": "Att para ihop oss gav mer än att läsa ensam", "ways": "social,experiential",
        "hindrances": "no_time,other", "hindrances.other": "Flytt av kontoret",
        "differently": "Boka in tiden direkt", "action": "Para ihop mig på en granskning i veckan",
        "action_by": "2026-12-15", "sharing": "named"})
    follow_up = FollowUp("f-gallery", "p", "r-gallery", "k", "Para ihop mig på en granskning",
                         date(2026, 12, 15), date(2026, 11, 25), at + timedelta(days=15))
    contents = [
        (ReflectionContent(Sharing.NAMED, "Korta loopar slår långa planer", ("no_time",),
                           "Demo varje fredag", date(2026, 12, 18)), "p-1"),
        (ReflectionContent(Sharing.ANONYMOUS, "Jag behöver lugn för att läsa", ("no_time",
                                                                               "format")), None),
        (ReflectionContent(Sharing.PRIVATE, "privat", ("pace",), "privat"), "p-3"),
        (ReflectionContent(Sharing.ANONYMOUS, "Ställ frågor tidigt", ("interruptions",),
                           "En fråga om dagen"), None),
        (ReflectionContent(Sharing.NAMED, "Parprogrammering hjälper mig", (), "Para ihop mig"),
         "p-2"),
    ]
    counts = ParticipantCounts(7, 6, 5, {"not_installed": 1})
    names = {"p-1": "Anna Berg", "p-2": "Astrid Lindqvist"}
    cards: dict[str, dict[str, Any]] = {}
    for language in ("sv", "nl", "de"):
        t = translator_for(language)
        cards[f"{language}-reflection"] = present.the_card(reflection, rnd, t, "29:p")
        cards[f"{language}-summary"] = present.summary_card(
            reflection, summarise(contents, asked=7, k=5), counts, t, names=names,
            redirected=False, round_id=rnd.id)
        cards[f"{language}-follow-up"] = present.follow_up_card(follow_up_form, follow_up, t,
                                                                "29:p")
    t = translator_for("sv")
    cards["sv-reflection-late"] = present.the_card(reflection, rnd, t, "29:p", late=True)
    for sharing in ("named", "private"):
        cards[f"sv-reflected-{sharing}"] = present.reflected_card(
            reflection, rnd, t, "29:p", given, sharing=sharing, late=False)
    cards["sv-reflected-anonymous"] = present.reflected_card(
        reflection, rnd, t, "29:p", given, sharing="anonymous", late=True)
    cards["sv-summary-counts-only"] = present.summary_card(
        reflection, summarise(contents[:2], asked=7, k=5), counts, t, names=names,
        redirected=True, round_id=rnd.id)
    cards["sv-not-participant"] = present.message_card(reflection, t,
                                                       "reflection.not_participant")
    cards["sv-follow-up-not-yet"] = follow_up_answer_card(FollowUpAnswerView(
        t("followup.title"), t("followup.not_yet"), "f-gallery", t("followup.again")))
    return cards


async def test_every_reflection_card_renders(world: World) -> None:
    await show_gallery(world, gallery(), GALLERY)

"""The outbox drained into the emulated SharePoint under its resource-unit throttling.

    .venv/bin/python benchmarks/bench_outbox.py [--rows 10000] [--ru 1200] [--speedup 6]

A runtime wired as in production (bootstrap: SQLite, the msgraph-sdk client, the outbox and its
drain) against the Graph emulator on loopback, whose SharePoint allows `--ru` resource units per
app per "minute"; `--speedup` shortens that minute (6: a window of 10 s) so 10,000 rows do not
take 17 real minutes, and the figures are given per minute of the limit. Every item costs 2
units (a create; first writes skip the look-up), so the limit allows ru/2 items per minute.
A warm-up of ru/2 rows first fills the (sliding) minute, so the timed rows meet the limit in
its steady state rather than its first free minute; then the timed rows are queued and drained
until none is pending, honouring Retry-After. `--ru 0` runs without a limit (the local
ceiling). Lost and duplicate items are counted from the emulator's list, the store of record.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: the project root is not on sys.path

import logging  # noqa: E402

import aiohttp  # noqa: E402

from graph import demo_org  # noqa: E402
from graph.emulator import start_emulator  # noqa: E402
from teams_app.bootstrap import Runtime, bootstrap  # noqa: E402
from teams_app.logs import configure_logging  # noqa: E402
from teams_app.settings import Settings  # noqa: E402
from teams_app.use_cases.results.outbox import drain_outbox  # noqa: E402
from teams_app.use_cases.results.provisioning import provision_results  # noqa: E402

TOKEN = "bench-token"
CHUNK = 500  # rows per transaction while queueing
COST = 2  # resource units of a create


async def queue(runtime: Runtime, keys: list[str]) -> None:
    for start in range(0, len(keys), CHUNK):
        async with runtime.services.uow() as tx:
            for key in keys[start:start + CHUNK]:
                await tx.outbox.add("checkin", key, {
                    "CampaignId": "bench", "FormKey": "learning_checkin", "FormVersion": 1,
                    "used_time": "yes", "obstacles": ("meeting",)})
            await tx.commit()


async def drain_all(runtime: Runtime) -> tuple[int, int]:
    """Drain until nothing is pending; (drain runs, runs stopped by throttling)."""
    assert runtime.services.lists is not None
    drains = stops = 0
    while True:
        drains += 1
        report = await drain_outbox(uow=runtime.services.uow, lists=runtime.services.lists,
                                    clock=runtime.clock, owner="bench")
        if report.stopped is None:
            return drains, stops
        stops += 1
        await asyncio.sleep(report.retry_after or 1.0)


async def main(rows: int, ru: int, speedup: float) -> None:
    configure_logging(json=False, level=logging.WARNING, cache=False)
    window = 60.0 / speedup
    runner, base_url = await start_emulator(seed="demo", token=TOKEN)
    control = base_url.removesuffix("/v1.0") + "/_emulator"
    scratch = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{scratch / 'o.db'}",
                        anonymous=True, host="127.0.0.1", graph_base_url=base_url,
                        graph_auth="static", graph_static_token=TOKEN)  # type: ignore[call-arg]
    runtime = await bootstrap(settings)
    lists = runtime.services.lists
    assert lists is not None
    warm: list[str] = []
    try:
        forms = await runtime.form_catalog().every_version()
        await provision_results(demo_org.SHAREPOINT_SITE.url, forms=forms,
                                uow=runtime.services.uow, lists=lists, clock=runtime.clock)
        warm = [f"warm-{n:06}" for n in range(ru // COST)]
        keys = [f"bench-{n:06}" for n in range(rows)]
        async with aiohttp.ClientSession() as http:
            await http.put(f"{control}/limits", json={"resource_units_per_minute": ru or None,
                                                      "resource_unit_window_s": window})
            await queue(runtime, warm)
            await drain_all(runtime)
            await queue(runtime, keys)
            await http.delete(f"{control}/stats")
            started = time.monotonic()
            drains, stops = await drain_all(runtime)
            elapsed = time.monotonic() - started
            async with http.get(f"{control}/stats") as response:
                stats = await response.json()
            async with http.get(f"{control}/objects/lists") as response:
                stored = await response.json()
    finally:
        await runtime.close()
        await runner.cleanup()

    items = next(x for x in stored if x["displayName"] == "Learning Loop check-ins")["items"]
    seen = Counter(str(i["fields"].get("LoopKey")) for i in items)
    lost = sum(1 for key in [*warm, *keys] if key not in seen)
    duplicates = sum(count - 1 for count in seen.values())
    ordered = [str(i["fields"]["LoopKey"]) for i in sorted(items, key=lambda i: int(i["id"]))]
    per_minute = rows / elapsed * window  # items per minute of the limit
    print(f"python {platform.python_version()}, {platform.machine()}; {rows} rows timed after "
          f"{len(warm)} warm-up rows; {ru or 'no'} resource units per minute "
          f"(a minute of {window:g} s)")
    print(f"drained in {elapsed:.1f} s, {drains} drain runs, {stops} stopped by throttling; "
          f"429s: {stats['throttled']}, resource units charged: {stats['resource_units']}")
    if ru:
        print(f"items per minute: {per_minute:,.0f} of the {ru / COST:,.0f} the limit allows: "
              f"{per_minute / (ru / COST):.0%}")
    else:
        print(f"items per second without a limit: {rows / elapsed:,.0f}")
    print(f"lost: {lost}  duplicates: {duplicates}  in order: {ordered == [*warm, *keys]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--ru", type=int, default=1200)
    parser.add_argument("--speedup", type=float, default=6.0)
    options = parser.parse_args()
    asyncio.run(main(options.rows, options.ru, options.speedup))

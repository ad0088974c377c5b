"""The export's download (thin): a signed, short-lived link from the person's `my data` card
gives their zip; anything else gets 403 and no hint of whose link it was."""

from __future__ import annotations

import structlog
from aiohttp import web

from teams_app.domain.privacy import BadLink
from teams_app.ports.services import Services
from teams_app.use_cases.privacy.archive import archive_name, export_archive
from teams_app.use_cases.privacy.holdings import export_person
from teams_app.use_cases.privacy.links import EXPORT_PATH, person_of_link

log = structlog.get_logger()

_MAX_TOKEN = 400


def add_privacy_routes(app: web.Application, services: Services) -> None:
    async def download(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        try:
            if len(token) > _MAX_TOKEN:
                raise BadLink("long")
            person_id = await person_of_link(token, uow=services.uow, clock=services.clock)
        except BadLink as refused:
            log.info("export_link_refused", reason=str(refused))
            return web.Response(status=403, text="This link is not valid any more. Type "
                                "'my data' to the Learning Loop bot for a new one.",
                                headers={"Cache-Control": "no-store"})
        at = services.clock.now()
        holdings = await export_person(person_id, uow=services.uow)
        log.info("export_downloaded", holdings=len(holdings))
        return web.Response(
            body=export_archive(person_id, holdings, at=at), content_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{archive_name(at)}"',
                     "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    app.router.add_get(EXPORT_PATH, download)

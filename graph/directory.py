"""GraphDirectory: teams_app.ports.Directory on Entra ID users and groups (app-only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.groups.item.owners.owners_request_builder import OwnersRequestBuilder
from msgraph.generated.groups.item.transitive_members.transitive_members_request_builder import (
    TransitiveMembersRequestBuilder,
)
from msgraph.generated.users.item.check_member_groups import (
    check_member_groups_post_request_body as check_member_groups,
)
from msgraph.generated.users.item.direct_reports.direct_reports_request_builder import (
    DirectReportsRequestBuilder,
)
from msgraph.generated.users.item.member_of.graph_group.graph_group_request_builder import (
    GraphGroupRequestBuilder,
)
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from graph.client import GraphConnection
from graph.errors import Operation
from graph.lists import odata_string
from teams_app.domain.directory import Group, Page, PeopleQuery, Person
from teams_app.ports import GraphRejected

# Members are read page after page (each nextLink comes with the page before), so a group of
# 10,000 is 11 round trips at Graph's largest page instead of 100 at its default.
LARGEST_PAGE = 999
# checkMemberGroups answers for at most 20 groups per request (Graph's documented limit).
MAX_GROUPS_CHECKED = 20
# Only what the product needs; department and accountEnabled are not in Graph's default set.
# Asked for on member lists too: a page of 999 users is then about half the bytes to parse.
PERSON_FIELDS = [
    "id",
    "displayName",
    "userPrincipalName",
    "mail",
    "givenName",
    "surname",
    "jobTitle",
    "department",
    "officeLocation",
    "preferredLanguage",
    "accountEnabled",
]


class GraphDirectory:
    def __init__(self, graph: GraphConnection, *, page_size: int = 100) -> None:
        self._graph = graph
        self._page_size = page_size

    async def user(self, id_or_upn: str) -> Person:
        builder = self._graph.client.users.by_user_id(id_or_upn)
        info = builder.to_get_request_information(
            RequestConfiguration(
                query_parameters=UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
                    select=PERSON_FIELDS
                )
            )
        )
        return person_from_json(await self._graph.call_json(Operation.READ_USERS, info))

    async def users(self, query: PeopleQuery, *, cursor: str | None = None) -> Page[Person]:
        if cursor:
            info = self._graph.request_for_url(cursor)
        else:
            clauses: list[str] = []
            if query.department is not None:
                clauses.append(f"department eq {odata_string(query.department)}")
            if query.job_title is not None:
                clauses.append(f"jobTitle eq {odata_string(query.job_title)}")
            if query.enabled_only:
                clauses.append("accountEnabled eq true")
            info = self._graph.client.users.to_get_request_information(
                RequestConfiguration(
                    query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
                        filter=" and ".join(clauses) or None,
                        select=PERSON_FIELDS,
                        top=query.page_size,
                    )
                )
            )
        page = await self._graph.call_json(Operation.READ_USERS, info)
        people = tuple(person_from_json(u) for u in page.get("value") or [])
        return Page(items=people, cursor=page.get("@odata.nextLink"))

    async def group_members(self, group_id: str) -> list[Person]:
        """Everyone in the group, through nested groups too; users only (no devices, groups)."""
        members = self._graph.client.groups.by_group_id(group_id).transitive_members
        query = TransitiveMembersRequestBuilder.TransitiveMembersRequestBuilderGetQueryParameters(
            select=PERSON_FIELDS, top=LARGEST_PAGE
        )
        return await self._all_users(
            Operation.READ_GROUP_MEMBERS,
            members.to_get_request_information(RequestConfiguration(query_parameters=query)),
        )

    async def direct_reports(self, user_id: str) -> list[Person]:
        reports = self._graph.client.users.by_user_id(user_id).direct_reports
        query = DirectReportsRequestBuilder.DirectReportsRequestBuilderGetQueryParameters(
            select=PERSON_FIELDS, top=LARGEST_PAGE
        )
        return await self._all_users(
            Operation.READ_USERS,
            reports.to_get_request_information(RequestConfiguration(query_parameters=query)),
        )

    async def groups_of(self, user_id: str) -> list[Group]:
        """The groups the user is a direct member of, through `memberOf` and its cast segment
        so Graph leaves out directory roles and administrative units. Not `ownedObjects`:
        Graph documents no application permission for it, and the service has no signed-in
        user. No member counts: each would be one more request ($count with
        ConsistencyLevel: eventual) per group."""
        groups_in = self._graph.client.users.by_user_id(user_id).member_of.graph_group
        query = GraphGroupRequestBuilder.GraphGroupRequestBuilderGetQueryParameters(
            select=["id", "displayName"], top=self._page_size
        )
        info: RequestInformation | None = groups_in.to_get_request_information(
            RequestConfiguration(query_parameters=query)
        )
        groups: list[Group] = []
        while info is not None:
            page = await self._graph.call_json(Operation.READ_MEMBER_GROUPS, info)
            groups.extend(
                Group(id=str(o["id"]), display_name=o.get("displayName") or "")
                for o in page.get("value") or []
                if o.get("id")
            )
            link = page.get("@odata.nextLink")
            info = self._graph.request_for_url(link) if link else None
        return groups

    async def group_owners(self, group_id: str) -> list[str]:
        """The users who own the group (`GET /groups/{id}/owners`, app-only with
        GroupMember.Read.All). Not a user's `ownedObjects`: Graph documents no application
        permission for it."""
        owners = self._graph.client.groups.by_group_id(group_id).owners
        query = OwnersRequestBuilder.OwnersRequestBuilderGetQueryParameters(
            select=["id"], top=LARGEST_PAGE
        )
        people = await self._all_users(
            Operation.READ_GROUP_MEMBERS,
            owners.to_get_request_information(RequestConfiguration(query_parameters=query)),
        )
        return [p.object_id for p in people]

    async def member_groups_among(self, user_id: str, group_ids: Sequence[str]) -> set[str]:
        """`POST /users/{id}/checkMemberGroups`: transitive, so a member of a nested group
        counts; asked 20 groups at a time."""
        check = self._graph.client.users.by_user_id(user_id).check_member_groups
        wanted = list(dict.fromkeys(group_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), MAX_GROUPS_CHECKED):
            body = check_member_groups.CheckMemberGroupsPostRequestBody(
                group_ids=wanted[start : start + MAX_GROUPS_CHECKED]
            )
            answer = await self._graph.call_json(
                Operation.READ_USERS, check.to_post_request_information(body)
            )
            found.update(str(g) for g in answer.get("value") or [])
        return found

    async def _all_users(self, operation: Operation, first: RequestInformation) -> list[Person]:
        people: list[Person] = []
        info: RequestInformation | None = first
        while info is not None:
            page = await self._graph.call_json(operation, info)
            # Directory objects come typed by @odata.type; keep the users.
            people.extend(
                person_from_json(o)
                for o in page.get("value") or []
                if str(o.get("@odata.type", "#microsoft.graph.user")).endswith(".user")
            )
            link = page.get("@odata.nextLink")
            info = self._graph.request_for_url(link) if link else None
        return people


def person_from_json(user: Mapping[str, Any]) -> Person:
    """A person from Graph's user JSON (see GraphConnection.call_json for why not the model)."""
    if not user.get("id"):
        raise GraphRejected(status=None, detail="user answered without an id")
    return Person(
        object_id=str(user["id"]),
        display_name=user.get("displayName") or "",
        user_principal_name=user.get("userPrincipalName") or "",
        mail=user.get("mail"),
        given_name=user.get("givenName"),
        surname=user.get("surname"),
        job_title=user.get("jobTitle"),
        department=user.get("department"),
        office_location=user.get("officeLocation"),
        preferred_language=user.get("preferredLanguage"),
        account_enabled=user.get("accountEnabled"),
    )

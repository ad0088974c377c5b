"""OData query options as Graph applies them: Prefer, $select, $filter, $top and paging.

`$filter` supports what the product and the adapter use: `eq ne gt ge lt le`, `and or not`,
parentheses, `startswith`/`endswith`, string literals with `''` escaping a quote, numbers,
booleans, null and unquoted date-times; property paths such as `mail`, `fields/Title` or
`teamsApp/id`. Paging hands out an absolute `@odata.nextLink` carrying a `$skiptoken`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from multidict import CIMultiDict

from graph.emulator.errors import GraphError, bad_request
from graph.emulator.routing import Call, Reply

# --- Prefer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefer:
    max_page_size: int | None = None
    time_zone: str | None = None
    honor_non_indexed: bool = False


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_prefer(headers: CIMultiDict[str]) -> Prefer:
    page, zone, honor = None, None, False
    for header in headers.getall("Prefer", []):
        for token in _split_outside_quotes(header, ","):
            key, _, value = token.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "odata.maxpagesize" and value.isdigit():
                page = int(value)
            elif key == "outlook.timezone" and value:
                zone = value
            elif key == "honornonindexedquerieswarningmayfailrandomly":
                honor = value.lower() not in {"false", "0"}
    return Prefer(page, zone, honor)


# --- $select ---------------------------------------------------------------------------------


def selection(call: Call) -> list[str] | None:
    raw = call.option("select")
    if not raw:
        return None
    return [p.strip() for p in raw.split(",") if p.strip()]


def select(resource: dict[str, Any], props: Sequence[str] | None,
           keep: Iterable[str] = ()) -> dict[str, Any]:
    if props is None:
        return resource
    wanted = {p.lower() for p in props} | {k.lower() for k in keep}
    return {k: v for k, v in resource.items() if k.lower() in wanted or k.startswith("@odata")}


# --- $filter -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_@$][\w./@$:-]*)
)""", re.VERBOSE)

_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"startswith", "endswith", "contains"}

Node = tuple[Any, ...]


def quote_literal(value: str) -> str:
    """An OData string literal: O'Brien -> 'O''Brien'."""
    return "'" + value.replace("'", "''") + "'"


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise bad_request(f"Invalid filter clause: syntax error at position {position} "
                              f"in '{text}'.")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def fail(self) -> GraphError:
        return bad_request(f"Invalid filter clause: syntax error in '{self.text}'.")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.fail()
        self.at += 1
        return token

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise self.fail()

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() == word:
            self.at += 1
            return True
        return False

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise self.fail()
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.keyword("or"):
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.keyword("and"):
            node = ("and", node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        if self.keyword("not"):
            return ("not", self.not_expr())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() in _COMPARISONS:
            self.at += 1
            return ("cmp", token[1].lower(), left, self.operand())
        if left[0] not in ("func", "group", "lambda"):
            raise self.fail()
        return left

    def operand(self) -> Node:
        kind, value = self.take()
        if value == "(":
            node = self.or_expr()
            self.expect(")")
            return ("group", node)
        if kind == "str":
            return ("lit", value[1:-1].replace("''", "'"))
        if kind == "num":
            return ("lit", float(value) if "." in value else int(value))
        if kind == "dt":
            return ("lit", datetime.fromisoformat(value.replace("Z", "+00:00")))
        if kind != "word":
            raise self.fail()
        lowered = value.lower()
        if lowered in {"true", "false"}:
            return ("lit", lowered == "true")
        if lowered == "null":
            return ("lit", None)
        if self.peek() == ("punct", "(") and lowered.endswith(("/any", "/all")):
            return self.lambda_expr(value)
        if self.peek() == ("punct", "("):
            if lowered not in _FUNCTIONS:
                raise bad_request(f"Invalid filter clause: unsupported function '{value}'.")
            self.take()
            args = [self.operand()]
            while self.peek() == ("punct", ","):
                self.take()
                args.append(self.operand())
            self.expect(")")
            return ("func", lowered, args)
        return ("path", value)


    def lambda_expr(self, word: str) -> Node:
        """`collection/any(x: <expression on x/...>)`, as Graph filters a collection property
        (e.g. singleValueExtendedProperties); `all` likewise."""
        collection, _, operator = word.rpartition("/")
        self.take()  # "("
        kind, variable = self.take()
        if kind != "word" or not variable.endswith(":") or len(variable) < 2:
            raise self.fail()
        node = self.or_expr()
        self.expect(")")
        return ("lambda", operator.lower(), collection, variable[:-1], node)


def parse_filter(text: str) -> Node:
    return _Parser(text).parse()


def filter_paths(node: Node) -> list[str]:
    kind = node[0]
    if kind == "path":
        return [node[1]]
    if kind == "lit":
        return []
    if kind == "func":
        return [p for arg in node[2] for p in filter_paths(arg)]
    if kind == "cmp":
        return filter_paths(node[2]) + filter_paths(node[3])
    if kind == "lambda":
        return [node[2]]
    return [p for child in node[1:] for p in filter_paths(child)]


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    if isinstance(right, datetime) and isinstance(left, str):
        try:
            return datetime.fromisoformat(left.replace("Z", "+00:00")), right
        except ValueError:
            return left, right.isoformat()
    if isinstance(left, str) and isinstance(right, str):
        return left.lower(), right.lower()
    if isinstance(left, (int, float)) and isinstance(right, str):
        try:
            return left, float(right)
        except ValueError:
            return str(left), right
    return left, right


def evaluate(node: Node, resolve: Callable[[str], Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "path":
        return resolve(node[1])
    if kind == "group":
        return evaluate(node[1], resolve)
    if kind == "not":
        return not evaluate(node[1], resolve)
    if kind == "and":
        return bool(evaluate(node[1], resolve)) and bool(evaluate(node[2], resolve))
    if kind == "or":
        return bool(evaluate(node[1], resolve)) or bool(evaluate(node[2], resolve))
    if kind == "lambda":
        _, operator, collection, variable, body = node
        items = resolve(collection)
        if not isinstance(items, list):
            return False
        results = (evaluate(body, _item_resolver(item, variable, resolve)) for item in items)
        return any(results) if operator == "any" else all(results)
    if kind == "func":
        args = [evaluate(arg, resolve) for arg in node[2]]
        if len(args) != 2 or not all(isinstance(a, str) for a in args):
            return False
        haystack, needle = args[0].lower(), args[1].lower()
        if node[1] == "startswith":
            return haystack.startswith(needle)
        if node[1] == "endswith":
            return haystack.endswith(needle)
        return needle in haystack
    left, right = _comparable(evaluate(node[2], resolve), evaluate(node[3], resolve))
    op = node[1]
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if left is None or right is None:
        return False
    try:
        return {"gt": left > right, "ge": left >= right, "lt": left < right,
                "le": left <= right}[op]
    except TypeError:
        return False


def _item_resolver(
    item: Any, variable: str, outer: Callable[[str], Any]
) -> Callable[[str], Any]:
    def resolve(path: str) -> Any:
        if path == variable:
            return item
        if path.startswith(variable + "/"):
            return resolve_path(item, path[len(variable) + 1:]) if isinstance(item, dict) \
                else None
        return outer(path)

    return resolve


def resolve_path(resource: dict[str, Any], path: str) -> Any:
    value: Any = resource
    for part in path.split("/"):
        if not isinstance(value, dict):
            return None
        if part in value:
            value = value[part]
            continue
        lowered = part.lower()
        value = next((v for k, v in value.items() if k.lower() == lowered), None)
    return value


# --- paging ------------------------------------------------------------------------------------


def page_size(call: Call, prefer: Prefer, *, default: int, maximum: int) -> int:
    top = call.option("top")
    if top is not None:
        if not top.strip().isdigit():
            raise bad_request(f"Invalid value '{top}' for $top query option.")
        return max(1, min(int(top), maximum))
    if prefer.max_page_size:
        return max(1, min(prefer.max_page_size, maximum))
    return default


def encode_token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()


def decode_token(token: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        raise bad_request("The $skiptoken is invalid.") from None
    if not isinstance(decoded, dict):
        raise bad_request("The $skiptoken is invalid.")
    return decoded


def link(call: Call, path: str | None = None, **options: str) -> str:
    """An absolute URL to `path` (default: the call's) with the call's query options, except
    paging tokens, plus `options` (names given without the `$`, e.g. skiptoken=...)."""
    kept = {k: v for k, v in call.query.items()
            if k.lower().lstrip("$") not in {"skiptoken", "deltatoken"}}
    kept.update({f"${k}": v for k, v in options.items()})
    query = urlencode(kept, quote_via=quote, safe="$'(),:")
    return f"{call.base_url}{path or call.path}" + (f"?{query}" if query else "")


def offset_of(call: Call) -> int:
    token = call.option("skiptoken")
    if not token:
        return 0
    offset = decode_token(token).get("offset", 0)
    return offset if isinstance(offset, int) and offset >= 0 else 0


def collection(call: Call, items: Sequence[Any], *, context: str, size: int,
               headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
               render: Callable[[Any], dict[str, Any]] | None = None) -> Reply:
    """One page of `items` starting at the call's `$skiptoken`, with a nextLink if more.
    With `render`, `items` are objects and only the page's are rendered: a page of a group of
    10,000 costs its 999 members, as it does in Graph, not all 10,000."""
    start = offset_of(call)
    page = list(items[start:start + size])
    if render is not None:
        page = [render(item) for item in page]
    body: dict[str, Any] = {"@odata.context": context}
    if extra:
        body.update(extra)
    if start + size < len(items):
        body["@odata.nextLink"] = link(call, skiptoken=encode_token({"offset": start + size}))
    body["value"] = page
    return Reply(200, body, dict(headers or {}))

"""Reading infra/'s Bicep files through pycep-parser, and following expressions in them.

pycep gives each file as JSON: parameters (with decorators and defaults), variables, resources,
modules and outputs; an expression is a literal, an identifier (both plain strings), an
interpolated string ("https://${webHost}/api/messages"), or an operator/function node."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pycep import BicepParser

INFRA = Path(__file__).resolve().parents[2] / "infra"
MAIN = INFRA / "main.bicep"
KEY_VAULT_PREFIX = "@Microsoft.KeyVault(SecretUri="


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


@cache
def parse(path: Path) -> dict[str, Any]:
    """The file as pycep reads it, with a conditional resource's or module's body (pycep nests
    it as {"condition", "config"}) lifted to "config" and its condition beside it."""
    parsed = BicepParser().parse(file_path=path)
    for section in ("resources", "modules"):
        for declaration in parsed.get(section, {}).values():
            config = declaration["config"]
            if "condition" in config and "config" in config:
                declaration["condition"] = config["condition"]
                declaration["config"] = config["config"]
    return parsed


def module_path(declaring: Path, module: dict[str, Any]) -> Path:
    return (declaring.parent / module["detail"]["path"]).resolve()


def module(declaring: Path, name: str) -> tuple[Path, dict[str, Any]]:
    """The module `name` declared in `declaring`: its file and its parsed declaration."""
    declaration = parse(declaring)["modules"][name]
    return module_path(declaring, declaration), declaration


def accessor(node: Any) -> str | None:
    """`appService.outputs.webHost` for a property-access node, else None."""
    if isinstance(node, str):
        return node
    operator = node.get("operator") if isinstance(node, dict) else None
    if not operator or operator["type"] != "property_accessor":
        return None
    left = accessor(operator["operands"]["operand_1"])
    right = accessor(operator["operands"]["operand_2"])
    return f"{left}.{right}" if left and right else None


def leaves(node: Any) -> Iterator[Any]:
    """The values an expression may take: both branches of every condition."""
    operator = node.get("operator") if isinstance(node, dict) else None
    if operator and operator["type"] == "conditional":
        yield from leaves(operator["operands"]["true_value"])
        yield from leaves(operator["operands"]["false_value"])
    else:
        yield node


def is_secure(parameter: dict[str, Any]) -> bool:
    return any(decorator["type"] == "secure" for decorator in parameter["decorators"])


def resources_of_type(path: Path, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in parse(path).get("resources", {}).items()
        if resource["type"] == resource_type
    }

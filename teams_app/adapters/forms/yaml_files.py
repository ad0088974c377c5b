"""Reading YAML the way form authors mean it."""

from __future__ import annotations

import re
from typing import Any

import yaml

_BOOL = "tag:yaml.org,2002:bool"


class FormYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader with two changes for hand-written forms:

    - booleans are only true and false (YAML 1.2). PyYAML follows YAML 1.1, where yes, no, on
      and off are booleans too, so the choice id `no` would arrive as False;
    - a key given twice in one mapping is an error. PyYAML keeps the last one silently, so a
      second `label:` would replace the first without a word."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f'"{key}" is given twice in one mapping', key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


FormYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
FormYamlLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(text: str) -> object:
    return yaml.load(text, Loader=FormYamlLoader)  # a SafeLoader: builds plain data only

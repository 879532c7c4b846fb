"""The YAML reader and writer every scene file goes through, and its tree as plain data.

Scene files are edited by hand and kept in git, so they are read with ruamel's
round-trip loader: the tree keeps comments, key order, quoting and indentation, and is
the source of truth for layout when the scene is written back.
"""

from __future__ import annotations

import datetime
import warnings
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLFutureWarning, YAMLWarning

# ruamel prints warnings (a reused anchor, a duplicate key) as multi-line source dumps on
# stderr; a scene that has them gets one SceneError line instead, or loads as is.
warnings.filterwarnings("ignore", category=YAMLWarning)
warnings.filterwarnings("ignore", category=YAMLFutureWarning)

DEFAULT_INDENT = (4, 2)  # sequence indent and dash offset of a new file


def round_trip_yaml(indent: tuple[int, int] = DEFAULT_INDENT) -> YAML:
    """A reader/writer that keeps layout; ``indent`` is the file's sequence indent and
    dash offset (loading ignores it)."""
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long note
    yaml.indent(mapping=2, sequence=indent[0], offset=indent[1])
    return yaml


def plain(node: Any) -> Any:
    """The YAML tree as plain dicts, lists and scalars, for validation and comparison."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime.date):
        return node.isoformat()
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node

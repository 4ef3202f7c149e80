"""Option names and option decoding, as upstream's ``sparkpds`` defines them.

Spark hands a Python data source its options in a case-insensitive map whose keys are
lower-cased, so every lookup here is case-insensitive.
"""

import json
from typing import Any, Dict, List, Mapping, Optional

FORMAT_NAME = "lakeflow_connect"

TABLE_NAME = "tableName"
TABLE_NAME_LIST = "tableNameList"
TABLE_CONFIGS = "tableConfigs"
IS_DELETE_FLOW = "isDeleteFlow"
NAMESPACE_PREFIX = "namespacePrefix"
NAMESPACE = "namespace"
STRICT = "strict"
NODE_PATH = "nodePath"
BATCH_ROWS = "bridgeBatchRows"

METADATA_TABLE = "_community_table_metadata"
NAMESPACES_TABLE = "_community_namespaces"
TABLES_TABLE = "_community_tables"
VIRTUAL_TABLES = (METADATA_TABLE, NAMESPACES_TABLE, TABLES_TABLE)


def get(options: Mapping[str, str], key: str, default: Optional[str] = None) -> Optional[str]:
    """Case-insensitive option lookup."""
    if key in options:
        return options[key]
    lowered = key.lower()
    for name, value in options.items():
        if name.lower() == lowered:
            return value
    return default


def is_true(options: Mapping[str, str], key: str) -> bool:
    """True only for the exact string ``"true"`` (upstream's rule for ``isDeleteFlow``)."""
    return get(options, key) == "true"


def is_strict(options: Mapping[str, str]) -> bool:
    """``strict=true`` (any case) makes failed reads fail the query."""
    return (get(options, STRICT) or "").strip().lower() == "true"


def _json_option(options: Mapping[str, str], key: str) -> Any:
    raw = get(options, key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Option '{key}' must be valid JSON, got {raw!r}: {error}") from error


def string_list_option(options: Mapping[str, str], key: str) -> Optional[List[str]]:
    """A JSON list of strings option (``tableNameList``, ``namespacePrefix``); None when absent."""
    value = _json_option(options, key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"Option '{key}' must be a JSON list of strings, got {get(options, key)!r}")
    return value


def table_configs_option(options: Mapping[str, str]) -> Dict[str, Dict[str, str]]:
    """``tableConfigs``: a JSON object of table name to options object ({} when absent)."""
    value = _json_option(options, TABLE_CONFIGS)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(item, dict) for item in value.values()):
        raise ValueError(
            f"Option '{TABLE_CONFIGS}' must be a JSON object mapping table names to option "
            f"objects, got {get(options, TABLE_CONFIGS)!r}"
        )
    return {name: {str(k): _option_text(v) for k, v in config.items()} for name, config in value.items()}


def _option_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)

"""Data-quality expectations of a pipeline table, derived from its metadata and its spec.

Every table gets, as ``expect_or_drop`` (the row is removed and counted):

* ``primary_key_<column>_not_null`` for each primary key column;
* ``cursor_<column>_not_null`` for the sequence column of ``cdc`` and ``cdc_with_deletes``
  tables (``apply_changes`` orders changes by it, so a row without one cannot be placed).

A spec may add its own per table, passed through unchanged:
``expectations: {name: "SQL condition"}`` (violations counted, rows kept) or
``{name: {condition: "...", action: warn | drop | fail}}``.

The same mapping drives the pipeline runtime's ``dlt.expect_all*`` decorators and
:class:`lakeflow_spark.local_pipelines.LocalPipeline`.
"""

from typing import Any, Callable, Dict, Iterable, Mapping, Optional

ACTIONS = ("warn", "drop", "fail")
CDC_TYPES = ("cdc", "cdc_with_deletes")

# name -> {"condition": str, "action": "warn" | "drop" | "fail"}
Expectations = Dict[str, Dict[str, str]]


def quote(column: str) -> str:
    """A column name as a Spark SQL identifier (backticks, doubled inside)."""
    return "`" + column.replace("`", "``") + "`"


def _safe_name(column: str) -> str:
    return "".join(character if character.isalnum() or character == "_" else "_" for character in column)


def key_expectations(keys: Optional[Iterable[str]], sequence_by: Optional[str], ingestion_type: str) -> Expectations:
    """The expectations a table's metadata implies (see the module docstring)."""
    out: Expectations = {}
    for key in keys or []:
        out[f"primary_key_{_safe_name(key)}_not_null"] = {"condition": f"{quote(key)} IS NOT NULL", "action": "drop"}
    if sequence_by and ingestion_type in CDC_TYPES:
        out[f"cursor_{_safe_name(sequence_by)}_not_null"] = {
            "condition": f"{quote(sequence_by)} IS NOT NULL",
            "action": "drop",
        }
    return out


def user_expectations(table: str, spec: Any) -> Expectations:
    """A table's ``expectations`` from the spec, normalised to ``{condition, action}``."""
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        raise ValueError(f"Table {table!r}: 'expectations' must be a mapping of names to SQL conditions, got {spec!r}")
    out: Expectations = {}
    for name, entry in spec.items():
        if isinstance(entry, str):
            condition, action = entry, "warn"
        elif isinstance(entry, Mapping) and isinstance(entry.get("condition"), str):
            condition, action = entry["condition"], entry.get("action", "warn")
        else:
            raise ValueError(f"Table {table!r}: expectation {name!r} needs a SQL condition, got {entry!r}")
        if not condition.strip():
            raise ValueError(f"Table {table!r}: expectation {name!r} has an empty condition")
        if action not in ACTIONS:
            raise ValueError(f"Table {table!r}: expectation {name!r} has action {action!r}; expected one of {ACTIONS}")
        out[str(name)] = {"condition": condition, "action": action}
    return out


def table_expectations(
    table: str,
    keys: Optional[Iterable[str]],
    sequence_by: Optional[str],
    ingestion_type: str,
    spec: Any = None,
) -> Expectations:
    """Metadata expectations plus the spec's; a spec name that clashes with a generated one is an error."""
    generated = key_expectations(keys, sequence_by, ingestion_type)
    given = user_expectations(table, spec)
    clash = sorted(set(generated) & set(given))
    if clash:
        raise ValueError(f"Table {table!r}: expectation names {clash} are reserved for the generated key checks")
    return {**generated, **given}


def decorate(dlt: Any, expectations: Expectations, function: Callable[..., Any]) -> Callable[..., Any]:
    """Applies ``dlt.expect_all`` / ``expect_all_or_drop`` / ``expect_all_or_fail`` to a view function."""
    by_action: Dict[str, Dict[str, str]] = {action: {} for action in ACTIONS}
    for name, entry in expectations.items():
        by_action[entry["action"]][name] = entry["condition"]
    decorators = {"warn": "expect_all", "drop": "expect_all_or_drop", "fail": "expect_all_or_fail"}
    for action in ACTIONS:
        if by_action[action]:
            function = getattr(dlt, decorators[action])(by_action[action])(function)
    return function


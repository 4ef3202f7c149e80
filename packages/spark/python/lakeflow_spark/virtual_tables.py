"""The virtual tables served by the data source itself (upstream §2.1 "Virtual tables").

* ``_community_table_metadata``: one row per name in ``tableNameList`` (caller's order), from
  ``readTableMetadata(name, tableConfigs[name])`` — only the per-table configuration, as
  upstream passes it.
* ``_community_namespaces``: child namespaces of ``namespacePrefix``, sorted; none for a flat
  connector.
* ``_community_tables``: tables of ``namespace`` (required for namespaced connectors, refused
  for flat ones), sorted by name; a flat connector lists every table with namespace ``[]``.
"""

from typing import Any, Iterator, Tuple

from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from . import options as opts
from .handle import SourceHandle

METADATA_SCHEMA = StructType(
    [
        StructField("tableName", StringType(), False),
        StructField("primary_keys", ArrayType(StringType(), True), True),
        StructField("cursor_field", StringType(), True),
        StructField("ingestion_type", StringType(), True),
    ]
)
NAMESPACES_SCHEMA = StructType([StructField("namespace", ArrayType(StringType(), True), False)])
TABLES_SCHEMA = StructType(
    [
        StructField("namespace", ArrayType(StringType(), True), False),
        StructField("tableName", StringType(), False),
    ]
)

SCHEMAS = {
    opts.METADATA_TABLE: METADATA_SCHEMA,
    opts.NAMESPACES_TABLE: NAMESPACES_SCHEMA,
    opts.TABLES_TABLE: TABLES_SCHEMA,
}


def check_table_name(table: Any) -> None:
    """Upstream's constructor check: ``_community_*`` names must be one of the virtual tables."""
    if isinstance(table, str) and table.startswith("_community_") and table not in opts.VIRTUAL_TABLES:
        raise ValueError(
            f"Unknown virtual table {table!r}; the valid ones are: {', '.join(opts.VIRTUAL_TABLES)}"
        )


def _text_list(value: Any) -> Any:
    if value is None:
        return None
    return [str(item) for item in value]


def _text(value: Any) -> Any:
    return None if value is None else str(value)


def read_virtual_table(handle: SourceHandle) -> Iterator[Tuple[Any, ...]]:
    """Rows of the virtual table named by the handle's ``tableName``."""
    table = handle.table
    if table == opts.METADATA_TABLE:
        names = opts.string_list_option(handle.options, opts.TABLE_NAME_LIST) or []
        configs = opts.table_configs_option(handle.options)
        for name in names:
            metadata = handle.call("readTableMetadata", table=name, tableOptions=configs.get(name, {})) or {}
            yield (
                name,
                _text_list(metadata.get("primary_keys")),
                _text(metadata.get("cursor_field")),
                _text(metadata.get("ingestion_type")),
            )
        return
    capabilities = handle.call("capabilities")
    namespaced = bool(capabilities.get("namespaces"))
    if table == opts.NAMESPACES_TABLE:
        if not namespaced:
            return
        prefix = opts.string_list_option(handle.options, opts.NAMESPACE_PREFIX)
        for namespace in sorted(handle.call("listNamespaces", prefix=prefix)):
            yield (list(namespace),)
        return
    if table == opts.TABLES_TABLE:
        namespace = opts.string_list_option(handle.options, opts.NAMESPACE)
        if namespaced:
            if namespace is None:
                raise ValueError(
                    f"Option '{opts.NAMESPACE}' is required to list the tables of connector "
                    f"'{handle.connector}' (a JSON list of strings; use \"[]\" for the root)"
                )
            for name in sorted(handle.call("listTablesInNamespace", namespace=namespace)):
                yield (list(namespace), name)
            return
        if namespace is not None:
            raise ValueError(
                f"Option '{opts.NAMESPACE}' is not supported: connector '{handle.connector}' has no namespaces"
            )
        for name in sorted(handle.call("listTables")):
            yield ([], name)
        return
    raise ValueError(f"Unknown virtual table {table!r}")

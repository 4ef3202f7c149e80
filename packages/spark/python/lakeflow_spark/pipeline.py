"""``ingest(spark, spec)``: the Spark Declarative Pipelines flows of a pipeline spec.

Mirrors the orchestration of the Python community connectors table for table:

1. ``_community_table_metadata`` is read once for every source table, with each table's
   configuration minus the reserved keys (``scd_type``, ``primary_keys``, ``sequence_by``,
   ``cluster_by``).
2. Per table, in spec order: ``ingestion_type`` from the metadata (default ``cdc``; forced
   to ``append`` by ``scd_type: APPEND_ONLY``); primary keys from the spec, else the
   metadata; ``sequence_by`` from the spec, else the cursor field; SCD type ``"2"`` for
   ``SCD_TYPE_2``, else ``"1"``.
3. ``cdc``: a streaming view ``source_<t>_upsert`` and ``apply_changes``;
   ``cdc_with_deletes``: also ``source_<t>_delete`` (``isDeleteFlow=true``) applied with
   ``apply_as_deletes``; ``snapshot``: a batch view ``source_<t>_snapshot`` and
   ``apply_changes_from_snapshot``; ``append``: ``source_<t>_append`` and an
   ``append_flow`` reading it with ``spark.readStream.table``.

Each source view carries the table's expectations (``expectations.py``): primary keys and
the cdc cursor not null (rows dropped and counted), plus the spec's own conditions. The
delete view checks the key and cursor only.

Unlike upstream, an unknown ingestion type is an error rather than silently skipped.
The DLT rules hold: this is a plain module, the views read with ``spark.readStream`` /
``spark.read`` (never ``dlt.read``), and nested values keep their Spark types (no JSON
strings to ``from_json`` back).
"""

import json
from typing import Any, Dict, List, Mapping, Optional

from . import options as opts
from .expectations import Expectations, decorate, key_expectations, table_expectations
from .settings import Settings, source_options

RESERVED_KEYS = ("scd_type", "primary_keys", "sequence_by", "cluster_by")
SCD_TYPES = ("SCD_TYPE_1", "SCD_TYPE_2", "APPEND_ONLY")


def _config_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _tables(spec: Mapping[str, Any]) -> List[Dict[str, Any]]:
    objects = spec.get("objects")
    if not isinstance(objects, list) or not objects:
        raise ValueError("Invalid pipeline spec: 'objects' must be a non-empty list")
    tables = []
    for index, item in enumerate(objects):
        table = item.get("table") if isinstance(item, dict) else None
        if not isinstance(table, dict) or not isinstance(table.get("source_table"), str):
            raise ValueError(f"Invalid pipeline spec: objects[{index}] needs table.source_table")
        tables.append(table)
    return tables


def _configuration(table: Mapping[str, Any]) -> Dict[str, str]:
    raw = table.get("table_configuration") or {}
    return {str(key): _config_text(value) for key, value in raw.items() if value is not None}


def _primary_keys(value: Optional[str]) -> Optional[List[str]]:
    if not value:
        return None
    if value.strip().startswith("["):
        return [str(item) for item in json.loads(value)]
    return [value]


def _cluster_by(value: Optional[str]) -> Optional[List[str]]:
    if value is None or not value.strip():
        return None
    if value.strip().startswith("["):
        return [str(item) for item in json.loads(value)]
    return [part.strip() for part in value.split(",") if part.strip()]


def destination_name(
    table: Mapping[str, Any], catalog: Optional[str] = None, schema: Optional[str] = None
) -> str:
    """`` `catalog`.`schema`.`table` `` when both are known, else the bare table (upstream's rule).

    ``catalog`` and ``schema`` fill in what the table's spec leaves out.
    """
    name = table.get("destination_table") or table["source_table"]
    catalog = table.get("destination_catalog") or catalog
    schema = table.get("destination_schema") or schema
    if catalog and schema:
        return f"`{catalog}`.`{schema}`.`{name}`"
    return name


def _import_dlt() -> Any:
    try:
        import dlt  # type: ignore[import-not-found]  # provided by the Databricks pipeline runtime
    except ImportError as error:
        raise ImportError(
            "ingest() defines Spark Declarative Pipelines flows and needs the pipeline runtime's "
            "dlt module; to run a spec on plain Spark pass dlt=LocalPipeline(spark, path) "
            "(lakeflow_spark.local_pipelines)"
        ) from error
    return dlt


def ingest(
    spark: Any,
    spec: Mapping[str, Any],
    dlt: Any = None,
    connection_options: Optional[Mapping[str, str]] = None,
    **settings: Any,
) -> None:
    """Defines the flows of ``spec`` (see the module docstring).

    ``connection_options`` replaces the Unity Catalog connection with explicit connector
    options, for runs outside Databricks. ``settings`` (see :class:`Settings`) are what a
    pipeline bundle reads from its configuration: another connection, options and secrets
    from a secret scope, the Node binary, the default catalog and schema.
    """
    dlt = dlt or _import_dlt()
    from pyspark.sql.functions import col, expr

    config = Settings.of(settings)
    connection = source_options(spark, spec, dlt, connection_options, config)
    tables = _tables(spec)
    configs = {table["source_table"]: _configuration(table) for table in tables}
    table_options = {
        name: {key: value for key, value in table_config.items() if key not in RESERVED_KEYS}
        for name, table_config in configs.items()
    }
    metadata_rows = (
        spark.read.format(opts.FORMAT_NAME)
        .options(**connection)
        .option(opts.TABLE_NAME, opts.METADATA_TABLE)
        .option(opts.TABLE_NAME_LIST, json.dumps([table["source_table"] for table in tables]))
        .option(opts.TABLE_CONFIGS, json.dumps(table_options))
        .load()
        .collect()
    )
    metadata = {
        row["tableName"]: {key: row[key] for key in ("primary_keys", "cursor_field", "ingestion_type") if row[key] is not None}
        for row in metadata_rows
    }

    for table in tables:
        source = table["source_table"]
        table_config = configs[source]
        found = metadata.get(source, {})
        scd_type = table_config.get("scd_type")
        if scd_type is not None:
            scd_type = scd_type.upper()
            if scd_type not in SCD_TYPES:
                raise ValueError(
                    f"Invalid scd_type {table_config['scd_type']!r} for table {source!r}; expected one of {SCD_TYPES}"
                )
        ingestion_type = "append" if scd_type == "APPEND_ONLY" else found.get("ingestion_type", "cdc")
        keys = _primary_keys(table_config.get("primary_keys")) or found.get("primary_keys")
        sequence_by = table_config.get("sequence_by") or found.get("cursor_field")
        stored_as = "2" if scd_type == "SCD_TYPE_2" else "1"
        target = destination_name(table, config.catalog, config.schema)
        read_options = {**connection, **table_options[source], opts.TABLE_NAME: source}
        checks = table_expectations(source, keys, sequence_by, ingestion_type, table.get("expectations"))
        # Tombstones carry the key and the cursor, not the data columns the spec's conditions read.
        delete_checks = key_expectations(keys, sequence_by, ingestion_type)
        create = {"name": target}
        cluster_by = _cluster_by(table_config.get("cluster_by"))
        if cluster_by:
            create["cluster_by"] = cluster_by

        def stream_view(name: str, extra: Mapping[str, str], expectations: Expectations) -> None:
            def read(options: Mapping[str, str] = {**read_options, **extra}) -> Any:
                return spark.readStream.format(opts.FORMAT_NAME).options(**options).load()

            dlt.view(name=name)(decorate(dlt, expectations, read))

        if ingestion_type in ("cdc", "cdc_with_deletes"):
            if not sequence_by:
                raise ValueError(f"Table {source!r} ({ingestion_type}) needs sequence_by or a cursor_field")
            view = f"source_{source}_upsert"
            stream_view(view, {}, checks)
            dlt.create_streaming_table(**create)
            dlt.apply_changes(
                target=target, source=view, keys=keys, sequence_by=col(sequence_by), stored_as_scd_type=stored_as
            )
            if ingestion_type == "cdc_with_deletes":
                deletes = f"source_{source}_delete"
                stream_view(deletes, {opts.IS_DELETE_FLOW: "true"}, delete_checks)
                dlt.apply_changes(
                    target=target,
                    source=deletes,
                    keys=keys,
                    sequence_by=col(sequence_by),
                    stored_as_scd_type=stored_as,
                    apply_as_deletes=expr("true"),
                    name=f"source_{source}_delete_flow",
                )
        elif ingestion_type == "snapshot":
            view = f"source_{source}_snapshot"

            def read_snapshot(options: Mapping[str, str] = dict(read_options)) -> Any:
                return spark.read.format(opts.FORMAT_NAME).options(**options).load()

            dlt.view(name=view)(decorate(dlt, checks, read_snapshot))
            dlt.create_streaming_table(**create)
            dlt.apply_changes_from_snapshot(target=target, source=view, keys=keys, stored_as_scd_type=stored_as)
        elif ingestion_type == "append":
            view = f"source_{source}_append"
            stream_view(view, {}, checks)
            dlt.create_streaming_table(**create)

            def append(view_name: str = view) -> Any:
                return spark.readStream.table(view_name)

            dlt.append_flow(name=f"source_{source}_append_flow", target=target)(append)
        else:
            raise ValueError(f"Table {source!r} has unknown ingestion_type {ingestion_type!r}")

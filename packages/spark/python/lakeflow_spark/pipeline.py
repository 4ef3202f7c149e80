"""``ingest(spark, spec)``: the Spark Declarative Pipelines flows of a pipeline spec.

Mirrors upstream's orchestration (upstream-spec §3.2) table for table:

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

Unlike upstream, an unknown ingestion type is an error rather than silently skipped.
The DLT rules hold: this is a plain module, the views read with ``spark.readStream`` /
``spark.read`` (never ``dlt.read``), and nested values keep their Spark types (no JSON
strings to ``from_json`` back).
"""

import json
from typing import Any, Dict, List, Mapping, Optional

from . import options as opts

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


def destination_name(table: Mapping[str, Any]) -> str:
    """Upstream's rule: `` `catalog`.`schema`.`table` `` when both are set, else the bare table."""
    name = table.get("destination_table") or table["source_table"]
    catalog, schema = table.get("destination_catalog"), table.get("destination_schema")
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
) -> None:
    """Defines the flows of ``spec`` (see the module docstring).

    ``connection_options`` replaces the Unity Catalog connection (``databricks.connection``)
    with explicit connector options, for runs outside Databricks.
    """
    dlt = dlt or _import_dlt()
    from pyspark.sql.functions import col, expr

    if connection_options is None:
        # A local runtime (LocalPipeline) may carry the connector options itself.
        connection_options = getattr(dlt, "connection_options", None)
    tables = _tables(spec)
    if connection_options is None:
        connection: Dict[str, str] = {"databricks.connection": str(spec["connection_name"])}
        spark.conf.set("spark.databricks.unityCatalog.connectionDfOptionInjection.enabled", "true")
    else:
        connection = {str(key): str(value) for key, value in connection_options.items()}
    configs = {table["source_table"]: _configuration(table) for table in tables}
    table_options = {
        name: {key: value for key, value in config.items() if key not in RESERVED_KEYS}
        for name, config in configs.items()
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
        config = configs[source]
        found = metadata.get(source, {})
        scd_type = config.get("scd_type")
        if scd_type is not None:
            scd_type = scd_type.upper()
            if scd_type not in SCD_TYPES:
                raise ValueError(f"Invalid scd_type {config['scd_type']!r} for table {source!r}; expected one of {SCD_TYPES}")
        ingestion_type = "append" if scd_type == "APPEND_ONLY" else found.get("ingestion_type", "cdc")
        keys = _primary_keys(config.get("primary_keys")) or found.get("primary_keys")
        sequence_by = config.get("sequence_by") or found.get("cursor_field")
        stored_as = "2" if scd_type == "SCD_TYPE_2" else "1"
        target = destination_name(table)
        read_options = {**connection, **table_options[source], opts.TABLE_NAME: source}
        create = {"name": target}
        cluster_by = _cluster_by(config.get("cluster_by"))
        if cluster_by:
            create["cluster_by"] = cluster_by

        def stream_view(name: str, extra: Mapping[str, str]) -> None:
            def read(options: Mapping[str, str] = {**read_options, **extra}) -> Any:
                return spark.readStream.format(opts.FORMAT_NAME).options(**options).load()

            dlt.view(name=name)(read)

        if ingestion_type in ("cdc", "cdc_with_deletes"):
            if not sequence_by:
                raise ValueError(f"Table {source!r} ({ingestion_type}) needs sequence_by or a cursor_field")
            view = f"source_{source}_upsert"
            stream_view(view, {})
            dlt.create_streaming_table(**create)
            dlt.apply_changes(
                target=target, source=view, keys=keys, sequence_by=col(sequence_by), stored_as_scd_type=stored_as
            )
            if ingestion_type == "cdc_with_deletes":
                deletes = f"source_{source}_delete"
                stream_view(deletes, {opts.IS_DELETE_FLOW: "true"})
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

            dlt.view(name=view)(read_snapshot)
            dlt.create_streaming_table(**create)
            dlt.apply_changes_from_snapshot(target=target, source=view, keys=keys, stored_as_scd_type=stored_as)
        elif ingestion_type == "append":
            view = f"source_{source}_append"
            stream_view(view, {})
            dlt.create_streaming_table(**create)

            def append(view_name: str = view) -> Any:
                return spark.readStream.table(view_name)

            dlt.append_flow(name=f"source_{source}_append_flow", target=target)(append)
        else:
            raise ValueError(f"Table {source!r} has unknown ingestion_type {ingestion_type!r}")

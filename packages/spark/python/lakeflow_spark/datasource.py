"""The ``lakeflow_connect`` Python data source (upstream ``LakeflowSource``, §2.1).

A subclass carries ``_lakeflow_bridge`` (see ``config.py``) naming the connector and how to
start its Node process; :func:`lakeflow_spark.register` builds one, and every wheel made by
``lakeflow pack`` defines one as ``LakeflowSource``.
"""

import json
from typing import Any, ClassVar, Dict, Optional

from pyspark.errors import PySparkNotImplementedError
from pyspark.sql.datasource import (
    DataSource,
    DataSourceReader,
    DataSourceStreamReader,
    SimpleDataSourceStreamReader,
)
from pyspark.sql.types import StructType

from . import options as opts
from .handle import SourceHandle
from .readers import LakeflowBatchReader, LakeflowPartitionedStreamReader, LakeflowStreamReader
from .virtual_tables import SCHEMAS, check_table_name


class LakeflowDataSource(DataSource):
    """Reads a TypeScript connector's tables: batch, streaming, delete flow, partitions,
    and the virtual metadata tables, with upstream's option names.

    Options: ``tableName`` (required), the connector's connection options (e.g. ``token``),
    table options, ``isDeleteFlow``, ``tableNameList``/``tableConfigs``/``namespacePrefix``/
    ``namespace`` for the virtual tables, ``strict`` (failed streaming reads fail the query),
    ``nodePath`` (the Node binary), ``bridgeBatchRows`` (rows per Arrow batch, default 10000).
    """

    _lakeflow_bridge: ClassVar[Dict[str, Any]] = {}

    @classmethod
    def name(cls) -> str:
        return opts.FORMAT_NAME

    def __init__(self, options: Dict[str, str]):
        super().__init__(options)
        table = opts.get(options, opts.TABLE_NAME)
        check_table_name(table)
        self.handle = SourceHandle(self._lakeflow_bridge, options)
        self.described: Optional[Dict[str, Any]] = None

    def _describe(self) -> Dict[str, Any]:
        if self.described is None:
            if not self.handle.table:
                raise ValueError(
                    f"Option '{opts.TABLE_NAME}' is required by the {opts.FORMAT_NAME} data source "
                    f"(connector '{self.handle.connector}')"
                )
            self.described = self.handle.describe()
        return self.described

    def schema(self) -> StructType:
        table = self.handle.table
        if table in SCHEMAS:
            # Decode the JSON options now, so malformed ones fail at planning with a clear message.
            opts.string_list_option(self.options, opts.TABLE_NAME_LIST)
            opts.table_configs_option(self.options)
            opts.string_list_option(self.options, opts.NAMESPACE_PREFIX)
            opts.string_list_option(self.options, opts.NAMESPACE)
            return SCHEMAS[table]
        return StructType.fromJson(json.loads(self._describe()["schema"]))

    def reader(self, schema: StructType) -> DataSourceReader:
        described = None if self.handle.table in SCHEMAS else self._describe()
        return LakeflowBatchReader(self.handle, schema, described)

    def streamReader(self, schema: StructType) -> DataSourceStreamReader:
        # A delete flow always streams through readTableDeletes, also for partitioned tables,
        # where upstream silently read normal data instead (quirk 10.7).
        if self.handle.table not in SCHEMAS and not self.handle.delete_flow:
            if self._describe().get("partitionedStream"):
                return LakeflowPartitionedStreamReader(self.handle)
        raise PySparkNotImplementedError(errorClass="NOT_IMPLEMENTED", messageParameters={"feature": "streamReader"})

    def simpleStreamReader(self, schema: StructType) -> SimpleDataSourceStreamReader:
        if self.handle.table in SCHEMAS:
            raise ValueError(f"Virtual table {self.handle.table!r} can only be read in batch")
        return LakeflowStreamReader(self.handle)

"""Lakeflow TypeScript connectors in Apache Spark: the ``lakeflow_connect`` Python data source.

>>> from lakeflow_spark import register
>>> register(spark, "example")
>>> spark.read.format("lakeflow_connect").option("tableName", "products").load().show()

Rows come from the connector's Node process as Arrow record batches already converted to
the table schema. PySpark is imported lazily, so importing this package is cheap.
"""

from typing import Any

__all__ = ["register", "data_source_class", "LakeflowDataSource", "FORMAT_NAME", "PROTOCOL_VERSION"]

FORMAT_NAME = "lakeflow_connect"
PROTOCOL_VERSION = 1


def __getattr__(name: str) -> Any:
    if name in ("register", "data_source_class"):
        from . import registry

        return getattr(registry, name)
    if name == "LakeflowDataSource":
        from .datasource import LakeflowDataSource

        return LakeflowDataSource
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

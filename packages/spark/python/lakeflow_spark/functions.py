"""Spark UDFs that run a connector's own column functions in its Node bridge.

A connector may declare functions (``ColumnFunction`` in ``@lakeflow/core``): a Spark
pipeline that reads a file source itself (Auto Loader) splits and parses with them, so the
rows come from the same TypeScript code the connector runs, never from a Python copy. Each
UDF is an Arrow UDF: a batch of rows goes to the Node process as one Arrow IPC stream and
the results come back as one Arrow batch.

    from lakeflow_connector_hl7_v2 import function
    split = function("hl7v2_split", ArrayType(StringType()))
    frame.select(split(col("value"), col("_metadata.file_path"), lit("{}")))
"""

from typing import Any, Mapping

import pyarrow as pa

from .bridge import get_bridge
from .config import bridge_command


def column_function(config: Mapping[str, Any], name: str, return_type: Any) -> Any:
    """An Arrow UDF calling ``name`` of the connector ``config`` names (see ``config.py``).

    The Node process is found on the executor as for reads (``LAKEFLOW_NODE``, the Node
    bundled in the wheel, or ``node`` on the PATH) and reused across batches.
    """
    from pyspark.sql.functions import arrow_udf

    settings = dict(config)

    def call(*arguments: pa.Array) -> pa.Array:
        columns = [argument.combine_chunks() if isinstance(argument, pa.ChunkedArray) else argument for argument in arguments]
        batch = pa.RecordBatch.from_arrays(columns, names=[f"arg{index}" for index in range(len(columns))])
        bridge = get_bridge(bridge_command(settings, {}), str(settings.get("connector")), cwd=settings.get("cwd"))
        result = bridge.call_function(name, batch)
        return result.cast(_arrow_type(return_type)) if result.type != _arrow_type(return_type) else result

    call.__name__ = name
    from pyspark.util import PythonEvalType

    return arrow_udf(call, returnType=return_type, functionType=PythonEvalType.SQL_SCALAR_ARROW_UDF)


def _arrow_type(return_type: Any) -> pa.DataType:
    from pyspark.sql.pandas.types import to_arrow_type

    return to_arrow_type(return_type)

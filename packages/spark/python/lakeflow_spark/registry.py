"""``register(spark, "<connector>")``: makes ``spark.read.format("lakeflow_connect")`` read a connector.

Resolution, like upstream's ``register`` (which only accepts a name):

1. A wheel built by ``lakeflow pack <name>`` is installed: the Python package
   ``lakeflow_connector_<name>`` provides the data source (connector bundle inside).
2. Otherwise ``command`` (or the ``LAKEFLOW_BRIDGE_COMMAND`` environment variable, a JSON
   list) starts the bridge, e.g. ``["lakeflow-bridge", "--connector", "github"]`` in a Node
   project where ``@lakeflow/connector-github`` is installed. ``--connector <name>`` is
   appended when the command does not already name one.
"""

import importlib
import json
import os
import re
from typing import Any, Dict, List, Optional, Sequence, Type

from .datasource import LakeflowDataSource


def packed_module_name(connector: str) -> str:
    """The Python package ``lakeflow pack`` produces for a connector name."""
    return "lakeflow_connector_" + re.sub(r"[^0-9a-zA-Z_]", "_", connector).lower()


def data_source_class(
    connector: str,
    command: Optional[Sequence[str]] = None,
    cwd: Optional[str] = None,
) -> Type[LakeflowDataSource]:
    """A ``lakeflow_connect`` data source class for a connector (see the module docstring)."""
    if not isinstance(connector, str) or not connector:
        raise TypeError(f"register() takes a connector name (a string), got {type(connector).__name__}")
    if command is None:
        try:
            packed = importlib.import_module(packed_module_name(connector) + ".source")
        except ModuleNotFoundError as error:
            if error.name != packed_module_name(connector):
                raise
        else:
            return packed.LakeflowSource
        from_env = os.environ.get("LAKEFLOW_BRIDGE_COMMAND")
        if not from_env:
            raise ValueError(
                f"No connector {connector!r}: install the wheel built by `lakeflow pack {connector}` "
                f"(Python package {packed_module_name(connector)}), or pass command=[...] / set "
                "LAKEFLOW_BRIDGE_COMMAND to start the Node bridge (e.g. "
                '["npx", "lakeflow-bridge"])'
            )
        command = json.loads(from_env)
    full: List[str] = [str(part) for part in command]
    if "--connector" not in full:
        full += ["--connector", connector]
    config: Dict[str, Any] = {"connector": connector, "command": full, "cwd": cwd}
    # A class made here is pickled by value to Spark's Python workers, config included.
    return type(f"LakeflowSource_{re.sub(r'[^0-9a-zA-Z_]', '_', connector)}", (LakeflowDataSource,), {"_lakeflow_bridge": config})


def register(
    spark: Any,
    connector: str,
    command: Optional[Sequence[str]] = None,
    cwd: Optional[str] = None,
) -> Type[LakeflowDataSource]:
    """Registers the connector's data source as format ``lakeflow_connect`` and returns its class.

    >>> register(spark, "github")                       # the packed wheel is installed
    >>> spark.read.format("lakeflow_connect").option("tableName", "issues").load()
    """
    source = data_source_class(connector, command=command, cwd=cwd)
    spark.dataSource.register(source)
    return source

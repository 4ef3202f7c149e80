"""A picklable handle on one data source's connector: options, instance key, bridge access.

Readers carry a handle to executors; the Node process behind it is looked up (or started)
in whichever Python process the handle is used.
"""

import uuid
from typing import Any, Callable, Dict, Iterator, Mapping, Optional

import pyarrow as pa

from . import options as opts
from .bridge import NodeBridge, get_bridge
from .config import bridge_command


class SourceHandle:
    """Everything needed to reach the connector of one ``lakeflow_connect`` data source."""

    def __init__(self, config: Mapping[str, Any], options: Mapping[str, str]):
        self.config = dict(config)
        self.options = {str(key): str(value) for key, value in options.items()}
        self.connector = str(self.config.get("connector") or "?")
        self.table = opts.get(self.options, opts.TABLE_NAME)
        # One connector instance (and init-time cap) per data source, shared by its calls.
        self.instance = uuid.uuid4().hex

    @property
    def strict(self) -> bool:
        """``strict=true``: failed reads fail the query instead of yielding an empty batch."""
        return opts.is_strict(self.options)

    @property
    def delete_flow(self) -> bool:
        """``isDeleteFlow=true``: read tombstones with ``readTableDeletes``."""
        return opts.is_true(self.options, opts.IS_DELETE_FLOW)

    def bridge(self) -> NodeBridge:
        """This process's Node bridge for the connector."""
        command = bridge_command(self.config, self.options)
        return get_bridge(command, self.connector, cwd=self.config.get("cwd"))

    def call(self, method: str, table: Optional[str] = None, instance: Optional[str] = None, **params: Any) -> Any:
        """One control call with this data source's options and instance key."""
        params.setdefault("options", self.options)
        params["instance"] = instance or self.instance
        if table is not None:
            params["tableName"] = table
        return self.bridge().call(method, params, table=table)

    def describe(self) -> Dict[str, Any]:
        """Schema (Spark JSON) and capabilities of this data source's table."""
        return self.call("describe", table=self.table)

    def read(
        self,
        kind: str,
        start: Optional[Dict[str, Any]] = None,
        partition: Optional[Dict[str, Any]] = None,
        instance: Optional[str] = None,
        on_end: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Iterator[pa.RecordBatch]:
        """Streams Arrow record batches of a table read, delete read or partition read."""
        params: Dict[str, Any] = {
            "options": self.options,
            "instance": instance or self.instance,
            "tableName": self.table,
            "kind": kind,
            "start": start,
        }
        if partition is not None:
            params["partition"] = partition
        batch_rows = opts.get(self.options, opts.BATCH_ROWS)
        if batch_rows:
            params["batchRows"] = int(batch_rows)
        return self.bridge().read(params, self.table, on_end or (lambda _end: None))

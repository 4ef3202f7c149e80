"""Batch and streaming readers of the ``lakeflow_connect`` data source (upstream §2.1).

Failure policy (ARCHITECTURE.md): a streaming read that fails after the connector's
retries yields no rows and the unchanged offset for that micro-batch, and the error is
logged; ``strict=true`` fails the query instead. Batch reads have no offset to keep, so
they always raise. A Node process crash always raises.
"""

import json
import logging
import uuid
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pyarrow as pa
from pyspark.sql.datasource import DataSourceReader, DataSourceStreamReader, InputPartition, SimpleDataSourceStreamReader
from pyspark.sql.types import StructType

from .errors import LakeflowConnectorError
from .handle import SourceHandle
from .virtual_tables import read_virtual_table

try:  # Spark 4.1+
    from pyspark.sql.streaming.datasource import ReadAllAvailable, SupportsTriggerAvailableNow
except ImportError:  # pragma: no cover - Spark 4.0
    ReadAllAvailable = None  # type: ignore[assignment,misc]

    class SupportsTriggerAvailableNow:  # type: ignore[no-redef]
        """Stand-in on Spark versions without Trigger.AvailableNow support for Python sources."""


logger = logging.getLogger("lakeflow_spark")

# A replay that has not met its end offset after this many reads gives up (see readBetweenOffsets).
MAX_REPLAY_READS = 10_000


def _canonical(offset: Optional[Dict[str, Any]]) -> str:
    return json.dumps(offset, sort_keys=True)


def _log_failure(handle: SourceHandle, what: str, error: Exception, start: Any) -> None:
    logger.error(
        "[lakeflow_connect] %s failed for connector '%s', table '%s'; keeping offset %s and "
        "returning no rows for this micro-batch (set strict=true to fail the query instead): %s",
        what,
        handle.connector,
        handle.table,
        _canonical(start),
        error,
    )


class LakeflowPartition(InputPartition):
    """A connector partition descriptor, carried as JSON text (upstream wraps them the same way)."""


class LakeflowBatchReader(DataSourceReader):
    """``spark.read``: partitions from ``getPartitions`` when the connector has them, else one."""

    def __init__(self, handle: SourceHandle, schema: StructType, described: Optional[Dict[str, Any]]):
        self.handle = handle
        self.schema = schema
        self.described = described or {}

    def partitions(self) -> Sequence[InputPartition]:
        handle = self.handle
        virtual = handle.table is not None and handle.table.startswith("_community_")
        if virtual or handle.delete_flow or not self.described.get("partitions"):
            return [InputPartition(None)]
        try:
            descriptors = handle.call("getPartitions", table=handle.table)
        except LakeflowConnectorError as error:
            if handle.strict:
                raise
            # Upstream falls back silently (quirk 10.8); the data is the same, but say so.
            logger.warning(
                "[lakeflow_connect] getPartitions failed for connector '%s', table '%s'; reading the "
                "table in one partition instead: %s",
                handle.connector,
                handle.table,
                error,
            )
            return [InputPartition(None)]
        return [LakeflowPartition(json.dumps(descriptor)) for descriptor in descriptors]

    def read(self, partition: InputPartition) -> Iterator[Any]:
        handle = self.handle
        if handle.table is not None and handle.table.startswith("_community_"):
            yield from read_virtual_table(handle)
            return
        if partition.value is not None:
            yield from handle.read("partition", partition=json.loads(partition.value))
        else:
            yield from handle.read("deletes" if handle.delete_flow else "table", start=None)


class LakeflowStreamReader(SimpleDataSourceStreamReader, SupportsTriggerAvailableNow):
    """``spark.readStream`` through ``readTable`` (or ``readTableDeletes`` for the delete flow).

    Each micro-batch uses a fresh connector instance, so a connector's init-time cap moves
    forward between triggers; under Trigger.AvailableNow one instance serves the whole run,
    so the run ends at the data available when it started.
    """

    def __init__(self, handle: SourceHandle):
        self.handle = handle
        self.pinned_instance: Optional[str] = None

    def initialOffset(self) -> Dict[str, Any]:
        return {}

    def prepareForTriggerAvailableNow(self) -> None:
        self.pinned_instance = uuid.uuid4().hex

    def _kind(self) -> str:
        return "deletes" if self.handle.delete_flow else "table"

    def _read_all(self, start: Dict[str, Any], instance: str) -> Tuple[List[pa.RecordBatch], Any, int]:
        end: Dict[str, Any] = {}
        batches = list(self.handle.read(self._kind(), start=start, instance=instance, on_end=end.update))
        return batches, end.get("offset"), int(end.get("rows") or 0)

    def read(self, start: Dict[str, Any]) -> Tuple[Iterator[Any], Dict[str, Any]]:
        handle = self.handle
        try:
            batches, end, rows = self._read_all(start, self.pinned_instance or uuid.uuid4().hex)
        except LakeflowConnectorError as error:
            if handle.strict:
                raise
            _log_failure(handle, f"streaming read from offset {_canonical(start)}", error, start)
            return iter([]), start
        if end is None:
            raise LakeflowConnectorError(
                handle.connector,
                handle.table,
                {
                    "name": "InvalidOffsetError",
                    "category": "config",
                    "message": "a streaming read returned a null end offset; tables returning null "
                    "(whole-table snapshots) are read in batch, not as a stream",
                },
            )
        if rows > 0 and _canonical(end) == _canonical(start):
            raise LakeflowConnectorError(
                handle.connector,
                handle.table,
                {
                    "name": "InvalidOffsetError",
                    "category": "internal",
                    "message": f"the read returned {rows} records but did not move the offset "
                    f"({_canonical(start)}); a read that returns records must return a new offset",
                },
            )
        return iter(batches), end

    def readBetweenOffsets(self, start: Dict[str, Any], end: Dict[str, Any]) -> Iterator[Any]:
        """Replays a planned micro-batch (after a restart): reads from ``start`` until ``end``.

        Upstream re-reads once from ``start`` and ignores ``end`` (quirk 10.9). Here the
        replay keeps reading while the offset moves and stops exactly at ``end``, which
        reproduces the batch whenever the connector is deterministic for the same offsets.
        When the source changed since (the replay overshoots or stalls before ``end``), the
        rows read are still returned (no loss; possible duplicates, which ``apply_changes``
        absorbs by key and sequence) and a warning names both offsets; ``strict=true``
        raises instead. A failing replay read raises whatever ``strict`` says: the batch's
        offsets are already in the offset log, so an empty replay would lose data.
        """
        handle = self.handle
        target = _canonical(end)
        if _canonical(start) == target:
            # A batch from an offset to itself holds nothing (Spark plans one for a fresh
            # query whose first read found no data).
            return
        instance = uuid.uuid4().hex
        offset = start
        for _ in range(MAX_REPLAY_READS):
            batches, next_offset, _rows = self._read_all(offset, instance)
            yield from batches
            if next_offset is None or _canonical(next_offset) == target:
                return
            if _canonical(next_offset) == _canonical(offset):
                break
            offset = next_offset
        message = (
            f"[lakeflow_connect] replay of micro-batch {_canonical(start)} -> {target} for connector "
            f"'{handle.connector}', table '{handle.table}' did not reproduce the batch: the source "
            f"read stopped at {_canonical(offset)}"
        )
        if handle.strict:
            raise LakeflowConnectorError(
                handle.connector, handle.table, {"name": "ReplayError", "category": "source", "message": message}
            )
        logger.warning("%s; rows read are kept (at-least-once)", message)


class LakeflowPartitionedStreamReader(DataSourceStreamReader):
    """Partitioned streams (``latestOffset`` + ``getPartitions(start, end)`` + ``readPartition``).

    Planning runs on the driver, partitions are read by executor tasks. A failing
    ``latestOffset`` keeps the offset (no micro-batch); a failing partition read fails its
    task (Spark retries it), because the batch's offsets are already committed to the log.
    """

    def __init__(self, handle: SourceHandle):
        self.handle = handle
        self.last: Dict[str, Any] = {}

    def initialOffset(self) -> Dict[str, Any]:
        return {}

    def getDefaultReadLimit(self) -> Any:
        return ReadAllAvailable() if ReadAllAvailable is not None else super().getDefaultReadLimit()

    def latestOffset(self, start: Optional[Dict[str, Any]] = None, limit: Any = None) -> Dict[str, Any]:
        handle = self.handle
        if ReadAllAvailable is not None and limit is not None and not isinstance(limit, ReadAllAvailable):
            raise ValueError(
                f"[lakeflow_connect] connector '{handle.connector}' does not take Spark read limits "
                "(maxRecordsPerTrigger and the like); admission control is a connector table option"
            )
        current = self.last if start is None else start
        try:
            offset = handle.call("latestOffset", table=handle.table, start=current)
        except LakeflowConnectorError as error:
            if handle.strict:
                raise
            _log_failure(handle, "latestOffset", error, current)
            return current
        self.last = offset
        return offset

    def partitions(self, start: Dict[str, Any], end: Dict[str, Any]) -> Sequence[InputPartition]:
        handle = self.handle
        descriptors = handle.call("getPartitions", table=handle.table, streaming=True, start=start, end=end)
        return [LakeflowPartition(json.dumps(descriptor)) for descriptor in descriptors]

    def read(self, partition: InputPartition) -> Iterator[Any]:
        yield from self.handle.read("partition", partition=json.loads(partition.value))

    def commit(self, end: Dict[str, Any]) -> None:
        return None

"""Run a pipeline spec's flows on plain Spark, without a Declarative Pipelines runtime.

``LocalPipeline`` implements the part of the ``dlt`` API that :func:`lakeflow_spark.pipeline.ingest`
uses and the file pipelines of ``lakeflow pack --pipeline`` use — ``view``,
``create_streaming_table``, ``apply_changes`` (SCD type 1, with ``apply_as_deletes``),
``apply_changes_from_snapshot`` (SCD type 1), ``append_flow`` and the expectation decorators
(``expect``, ``expect_or_drop``, ``expect_or_fail`` and their ``expect_all*`` forms on views) —
storing each target table as Parquet under a directory: versioned for changes and snapshots, one
directory per micro-batch for append flows. Streaming flows run with Trigger.AvailableNow and a
checkpoint per flow, so ``run()`` again picks up where the last run stopped. After an append flow
runs, its target is also a streaming view of that name, so later flows can read it with
``spark.readStream.table``. For local runs, tests and comparisons; production pipelines run on
Databricks.

Expectations are checked on every batch a flow reads from a view: a row passes when its
condition is true (false and null fail); ``warn`` counts it, ``drop`` counts and removes it,
``fail`` stops the run. :meth:`LocalPipeline.expectation_report` gives the counts per view,
named like the pipeline event log's (``passed_records``, ``failed_records``,
``dropped_records``).

>>> pipeline = LocalPipeline(spark, "/tmp/lakehouse", connection_options={"token": "..."})
>>> ingest(spark, spec, dlt=pipeline)
>>> pipeline.run()
>>> pipeline.read_table("orders").show()
>>> pipeline.expectation_report()["source_orders_upsert"]["dropped_records"]
"""

import json
import os
import re
from typing import Any, Callable, Dict, List, Optional

SEQ = "__lakeflow_seq"
# A view's failed expectation names per row; the suffix is the view's position in `views`.
FAILED = "__lakeflow_failed_"
PRIORITY = "__lakeflow_priority"
DELETE_SEQ = "__lakeflow_delete_seq"


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]", "_", name.replace("`", ""))


class _Store:
    """A table as versioned Parquet directories plus a pointer file (atomic enough locally)."""

    def __init__(self, spark: Any, path: str):
        self.spark = spark
        self.path = path
        self.pointer = os.path.join(path, "_current.json")

    def state(self) -> Dict[str, Any]:
        if not os.path.exists(self.pointer):
            return {"version": 0, "batches": {}, "schema": None}
        with open(self.pointer) as handle:
            return json.load(handle)

    def read(self) -> Optional[Any]:
        state = self.state()
        if state["version"] == 0:
            return None
        return self.spark.read.parquet(os.path.join(self.path, f"v{state['version']:06d}"))

    def write(self, frame: Any, flow: Optional[str] = None, batch_id: Optional[int] = None) -> None:
        state = self.state()
        version = state["version"] + 1
        frame.write.mode("overwrite").parquet(os.path.join(self.path, f"v{version:06d}"))
        if flow is not None:
            state["batches"][flow] = batch_id
        state.update(version=version, schema=frame.schema.json())
        os.makedirs(self.path, exist_ok=True)
        temporary = self.pointer + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(state, handle)
        os.replace(temporary, self.pointer)

    def applied(self, flow: str, batch_id: int) -> bool:
        last = self.state()["batches"].get(flow)
        return last is not None and batch_id <= last


class _AppendStore:
    """An append-only table: one Parquet directory per applied micro-batch, never rewritten."""

    def __init__(self, spark: Any, path: str):
        self.spark = spark
        self.path = path
        self.batches = os.path.join(path, "batches")
        self.pointer = os.path.join(path, "_current.json")

    def state(self) -> Dict[str, Any]:
        if not os.path.exists(self.pointer):
            return {"batches": {}, "schema": None}
        with open(self.pointer) as handle:
            return json.load(handle)

    def applied(self, flow: str, batch_id: int) -> bool:
        last = self.state()["batches"].get(flow)
        return last is not None and batch_id <= last

    def append(self, frame: Any, flow: str, batch_id: int) -> None:
        frame.write.mode("overwrite").parquet(os.path.join(self.batches, f"{_safe(flow)}-{batch_id:06d}"))
        state = self.state()
        state["batches"][flow] = batch_id
        state["schema"] = frame.schema.json()
        temporary = self.pointer + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(state, handle)
        os.replace(temporary, self.pointer)

    def schema(self) -> Optional[Any]:
        from pyspark.sql.types import StructType

        text = self.state()["schema"]
        return None if text is None else StructType.fromJson(json.loads(text))

    def read(self) -> Optional[Any]:
        schema = self.schema()
        if schema is None:
            return None
        return self.spark.read.schema(schema).option("recursiveFileLookup", "true").parquet(self.batches)

    def stream(self) -> Optional[Any]:
        schema = self.schema()
        if schema is None:
            return None
        return self.spark.readStream.schema(schema).option("recursiveFileLookup", "true").parquet(self.batches)


class LocalPipeline:
    """A local stand-in for the pipeline runtime's ``dlt`` module (see the module docstring)."""

    def __init__(
        self,
        spark: Any,
        root: str,
        connection_options: Optional[Dict[str, str]] = None,
        secrets: Optional[Dict[str, Dict[str, str]]] = None,
    ):
        self.spark = spark
        self.root = root
        # Used by ingest() in place of the Unity Catalog connection (databricks.connection).
        self.connection_options = connection_options
        # scope -> key -> value: what a secret scope holds on Databricks.
        self.secrets = secrets or {}
        self.views: Dict[str, Callable[[], Any]] = {}
        self.expectations: Dict[str, Dict[str, Dict[str, str]]] = {}
        self.targets: Dict[str, Dict[str, Any]] = {}
        self.flows: List[Dict[str, Any]] = []
        self.metrics: Dict[str, Dict[str, Any]] = {}

    def get_secret(self, scope: str, key: str) -> str:
        """A secret from ``secrets`` (ingest reads secret scopes through this when present)."""
        try:
            return self.secrets[scope][key]
        except KeyError:
            raise KeyError(f"LocalPipeline has no secret {key!r} in scope {scope!r}") from None

    # -- the dlt API ----------------------------------------------------------------------

    def view(self, name: Optional[str] = None, **_settings: Any) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
        def register(function: Callable[[], Any]) -> Callable[[], Any]:
            view_name = name or function.__name__
            self.views[view_name] = function
            self.expectations[view_name] = dict(getattr(function, "_lakeflow_expectations", {}))
            return function

        return register

    def expect(self, name: str, condition: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._expect({name: condition}, "warn")

    def expect_or_drop(self, name: str, condition: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._expect({name: condition}, "drop")

    def expect_or_fail(self, name: str, condition: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._expect({name: condition}, "fail")

    def expect_all(self, expectations: Dict[str, str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._expect(expectations, "warn")

    def expect_all_or_drop(self, expectations: Dict[str, str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._expect(expectations, "drop")

    def expect_all_or_fail(self, expectations: Dict[str, str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._expect(expectations, "fail")

    @staticmethod
    def _expect(expectations: Dict[str, str], action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def attach(function: Callable[..., Any]) -> Callable[..., Any]:
            found = dict(getattr(function, "_lakeflow_expectations", {}))
            for name, condition in expectations.items():
                if name in found:
                    raise ValueError(f"Expectation {name!r} is declared twice on {function.__name__}")
                found[name] = {"condition": condition, "action": action}
            function._lakeflow_expectations = found  # type: ignore[attr-defined]
            return function

        return attach

    def create_streaming_table(self, name: str, **settings: Any) -> None:
        self.targets[name] = settings

    def apply_changes(
        self,
        target: str,
        source: str,
        keys: List[str],
        sequence_by: Any,
        stored_as_scd_type: Any = "1",
        apply_as_deletes: Any = None,
        name: Optional[str] = None,
        **_settings: Any,
    ) -> None:
        self._scd1(stored_as_scd_type)
        self.flows.append(
            {
                "kind": "cdc",
                "target": target,
                "source": source,
                "keys": list(keys),
                "sequence": sequence_by,
                "deletes": apply_as_deletes is not None,
                "name": name or f"{source}_flow",
            }
        )

    def apply_changes_from_snapshot(
        self, target: str, source: str, keys: List[str], stored_as_scd_type: Any = "1", **_settings: Any
    ) -> None:
        self._scd1(stored_as_scd_type)
        self.flows.append({"kind": "snapshot", "target": target, "source": source, "keys": list(keys), "name": f"{source}_flow"})

    def append_flow(self, target: str, name: Optional[str] = None, **_settings: Any) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
        def register(function: Callable[[], Any]) -> Callable[[], Any]:
            self.flows.append({"kind": "append", "target": target, "function": function, "name": name or function.__name__})
            return function

        return register

    @staticmethod
    def _scd1(stored_as: Any) -> None:
        if str(stored_as) != "1":
            raise NotImplementedError("LocalPipeline applies SCD type 1 only; SCD type 2 needs the pipeline runtime")

    # -- running --------------------------------------------------------------------------

    def store(self, target: str, suffix: str = "") -> _Store:
        return _Store(self.spark, os.path.join(self.root, _safe(target) + suffix))

    def appends(self, target: str) -> _AppendStore:
        return _AppendStore(self.spark, os.path.join(self.root, _safe(target) + "__append"))

    def read_table(self, target: str) -> Any:
        """The target table's current rows (internal columns dropped); None before any write."""
        appends = self.appends(target)
        frame = appends.read() if os.path.exists(appends.pointer) else self.store(target).read()
        if frame is None:
            return None
        return frame.drop(*[column for column in frame.columns if column.startswith("__lakeflow_")])

    def expectation_report(self) -> Dict[str, Dict[str, Any]]:
        """Per view with expectations: ``{"expectations": {name: {condition, action,
        passed_records, failed_records}}, "dropped_records": n}``, summed over every batch checked."""
        report: Dict[str, Dict[str, Any]] = {}
        for view, checks in self.expectations.items():
            if not checks:
                continue
            counted = self.metrics.get(view, {"failed": {}, "total": 0, "dropped": 0})
            report[view] = {
                "expectations": {
                    name: {
                        **check,
                        "passed_records": counted["total"] - counted["failed"].get(name, 0),
                        "failed_records": counted["failed"].get(name, 0),
                    }
                    for name, check in checks.items()
                },
                "dropped_records": counted["dropped"],
            }
        return report

    def run(self) -> None:
        """Runs every flow once, in definition order (streams until no new data is available)."""
        for name in self.views:
            frame = self._view_frame(name)
            if frame.isStreaming:
                frame.createOrReplaceTempView(name)
        for flow in self.flows:
            if flow["kind"] == "snapshot":
                self._apply_snapshot(flow, self._view_frame(flow["source"]))
                continue
            frame = flow["function"]() if flow["kind"] == "append" else self._view_frame(flow["source"])
            checkpoint = os.path.join(self.root, "_checkpoints", _safe(flow["name"]))
            query = (
                frame.writeStream.foreachBatch(lambda batch, batch_id, flow=flow: self._apply_batch(flow, batch, batch_id))
                .option("checkpointLocation", checkpoint)
                .trigger(availableNow=True)
                .start()
            )
            query.awaitTermination()
            if query.exception() is not None:
                raise RuntimeError(f"Flow {flow['name']} failed: {query.exception()}")
            # A later flow reads an append target by its name; Spark's temporary views take
            # single-part names only, so a qualified target (catalog.schema.table) is not one.
            if flow["kind"] == "append" and "." not in flow["target"]:
                stream = self.appends(flow["target"]).stream()
                if stream is not None:
                    stream.createOrReplaceTempView(flow["target"])

    def _view_frame(self, name: str) -> Any:
        """The view's frame, with a column naming the expectations each row fails."""
        frame = self.views[name]()
        checks = self.expectations.get(name)
        if not checks:
            return frame
        from pyspark.sql import functions as F

        failed = F.array(
            *[
                F.when(~F.coalesce(F.expr(check["condition"]), F.lit(False)), F.lit(expectation))
                for expectation, check in checks.items()
            ]
        )
        column = f"{FAILED}{list(self.views).index(name)}"
        return frame.withColumn(column, F.filter(failed, lambda item: item.isNotNull()))

    def _check(self, batch: Any) -> Any:
        """Counts, drops or fails the rows of a batch per its views' expectations; returns the rows kept."""
        from pyspark.sql import functions as F

        for column in [name for name in batch.columns if name.startswith(FAILED)]:
            view = list(self.views)[int(column[len(FAILED) :])]
            checks = self.expectations[view]
            total = batch.count()
            failed = {row[0]: row[1] for row in batch.select(F.explode(column)).groupBy("col").count().collect()}
            counted = self.metrics.setdefault(view, {"failed": {}, "total": 0, "dropped": 0})
            counted["total"] += total
            for name, count in failed.items():
                counted["failed"][name] = counted["failed"].get(name, 0) + count
            fatal = sorted(name for name, check in checks.items() if check["action"] == "fail" and failed.get(name))
            if fatal:
                raise ValueError(
                    f"Expectation {', '.join(fatal)} of {view} failed on "
                    f"{sum(failed[name] for name in fatal)} row(s); the update stops (action fail)"
                )
            dropping = [name for name, check in checks.items() if check["action"] == "drop"]
            if dropping and any(failed.get(name) for name in dropping):
                batch = batch.filter(~F.arrays_overlap(F.col(column), F.array(*[F.lit(name) for name in dropping])))
                counted["dropped"] += total - batch.count()
            batch = batch.drop(column)
        return batch

    def _apply_batch(self, flow: Dict[str, Any], batch: Any, batch_id: int) -> None:
        store = self.store(flow["target"])
        if store.applied(flow["name"], batch_id):
            return  # a replayed micro-batch that was already applied
        checked = any(column.startswith(FAILED) for column in batch.columns)
        if checked:
            batch = batch.persist()  # counted, filtered and applied: read the source once
        try:
            kept = self._check(batch)
            if flow["kind"] == "append":
                appends = self.appends(flow["target"])
                if not appends.applied(flow["name"], batch_id):
                    appends.append(kept, flow["name"], batch_id)
                return
            self._apply_cdc(flow, kept, store, batch_id)
        finally:
            if checked:
                batch.unpersist()

    def _apply_snapshot(self, flow: Dict[str, Any], snapshot: Any) -> None:
        from pyspark.sql import functions as F
        from pyspark.sql.window import Window

        checked = any(column.startswith(FAILED) for column in snapshot.columns)
        if checked:
            snapshot = snapshot.persist()
        try:
            kept = self._check(snapshot)
            window = Window.partitionBy(*flow["keys"]).orderBy(F.lit(1))
            latest = kept.withColumn("__rn", F.row_number().over(window)).filter("__rn = 1").drop("__rn")
            self.store(flow["target"]).write(latest)
        finally:
            if checked:
                snapshot.unpersist()

    def _apply_cdc(self, flow: Dict[str, Any], batch: Any, store: _Store, batch_id: int) -> None:
        from pyspark.sql import functions as F
        from pyspark.sql.window import Window

        keys = flow["keys"]
        by_key = Window.partitionBy(*keys).orderBy(F.col(SEQ).desc(), F.col(PRIORITY).desc())
        newest = lambda frame: frame.withColumn("__rn", F.row_number().over(by_key)).filter("__rn = 1").drop("__rn")  # noqa: E731
        changes = newest(batch.withColumn(SEQ, flow["sequence"]).withColumn(PRIORITY, F.lit(1)))
        current = store.read()
        tombstones_store = self.store(flow["target"], "__tombstones")
        tombstones = tombstones_store.read()
        if flow["deletes"]:
            deleted = changes.select(*keys, F.col(SEQ).alias(DELETE_SEQ))
            if current is not None:
                kept = current.join(deleted, keys, "left").filter(F.col(DELETE_SEQ).isNull() | (F.col(SEQ) > F.col(DELETE_SEQ)))
                store.write(kept.drop(DELETE_SEQ), flow["name"], batch_id)
            marks = deleted.withColumnRenamed(DELETE_SEQ, SEQ).withColumn(PRIORITY, F.lit(1))
            merged = marks if tombstones is None else tombstones.unionByName(marks)
            tombstones_store.write(newest(merged))
            if current is None:
                store.write(changes.limit(0), flow["name"], batch_id)
            return
        if tombstones is not None:
            marks = tombstones.select(*keys, F.col(SEQ).alias(DELETE_SEQ))
            changes = changes.join(marks, keys, "left").filter(F.col(DELETE_SEQ).isNull() | (F.col(SEQ) > F.col(DELETE_SEQ)))
            changes = changes.drop(DELETE_SEQ)
        merged = changes if current is None else current.withColumn(PRIORITY, F.lit(0)).unionByName(changes)
        store.write(newest(merged).drop(PRIORITY).withColumn(PRIORITY, F.lit(0)), flow["name"], batch_id)

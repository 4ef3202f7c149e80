"""A long-lived PySpark driver for the vitest suites: one SparkSession (local[2]) per process.

Commands arrive as JSON lines on stdin ({"id", "op", "args"}); each answer is one JSON line
({"id", "ok", "result"} or {"id", "ok": false, "error"}) on the file descriptor that was
stdout at start. The real stdout is pointed at stderr, so JVM and Spark output never mixes
with answers. Rows come back normalised (see ``normalise``) for exact comparison in
TypeScript.
"""

import base64
import datetime
import decimal
import json
import math
import os
import sys
import time
import traceback

answers = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.types import (  # noqa: E402
    ArrayType,
    BinaryType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    MapType,
    StructType,
    TimestampNTZType,
    TimestampType,
    VariantType,
)

EPOCH = datetime.datetime(1970, 1, 1)
EPOCH_DATE = datetime.date(1970, 1, 1)
SAFE = 2**53 - 1

spark = (
    SparkSession.builder.master("local[2]")
    .appName("lakeflow-spark-tests")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.driver.memory", "1g")
    .config("spark.sql.streaming.stopActiveRunOnRestart", "true")
    # extra jars for a test file (Spark's Kafka source), as a comma-separated list
    .config("spark.jars", os.environ.get("LAKEFLOW_SPARK_JARS", ""))
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")


def normalise(value, data_type):
    """A JSON-safe, type-exact form of a Spark value (mirrored by the TypeScript side)."""
    if value is None:
        return None
    if isinstance(data_type, StructType):
        return {field.name: normalise(value[field.name], field.dataType) for field in data_type.fields}
    if isinstance(data_type, ArrayType):
        return [normalise(item, data_type.elementType) for item in value]
    if isinstance(data_type, MapType):
        # Map entries have no order (collect() goes through a Java HashMap): sort them by key.
        entries = [[normalise(k, data_type.keyType), normalise(v, data_type.valueType)] for k, v in value.items()]
        return sorted(entries, key=lambda entry: json.dumps(entry[0], sort_keys=True, ensure_ascii=False))
    if isinstance(data_type, TimestampType) or isinstance(data_type, TimestampNTZType):
        naive = value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        delta = naive - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(data_type, DateType):
        return (value - EPOCH_DATE).days
    if isinstance(data_type, DecimalType):
        return format(value, "f")
    if isinstance(data_type, BinaryType):
        return {"$binary": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(data_type, VariantType):
        return {"$variant": json.loads(value.toJson())}
    if isinstance(data_type, (FloatType, DoubleType)):
        if math.isnan(value) or math.isinf(value):
            return {"$float": str(value)}
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > SAFE:
        return {"$bigint": str(value)}
    return value


def rows_of(df, schema=None):
    schema = schema or df.schema
    return [normalise(row, schema) for row in df.collect()]


def op_register(args):
    from lakeflow_spark import register

    cls = register(spark, args["connector"], command=args.get("command"), cwd=args.get("cwd"))
    return {"class": cls.__name__, "module": cls.__module__}


def _reader(args, stream=False):
    reader = (spark.readStream if stream else spark.read).format("lakeflow_connect")
    return reader.options(**args.get("options", {}))


def op_batch(args):
    df = _reader(args).load()
    result = {"schema": df.schema.json()}
    if args.get("partition_ids"):
        tagged = df.withColumn("__partition", F.spark_partition_id())
        collected = tagged.collect()
        result["rows"] = [normalise(row, df.schema) for row in collected]
        result["partitions"] = [row["__partition"] for row in collected]
    else:
        result["rows"] = rows_of(df)
    return result


def op_count(args):
    started = time.time()
    count = _reader(args).load().count()
    return {"count": count, "seconds": time.time() - started}


def op_stream(args):
    """Runs a Trigger.AvailableNow query into foreachBatch; returns each batch's rows."""
    df = _reader(args, stream=True).load()
    schema = df.schema
    batches = []
    fail = set(args.get("fail_batch_ids") or [])
    if args.get("partition_ids"):
        df = df.withColumn("__partition", F.spark_partition_id())

    def collect(batch_df, batch_id):
        if batch_id in fail:
            raise RuntimeError(f"failing batch {batch_id} on purpose")
        collected = batch_df.collect()
        entry = {"batch_id": batch_id, "rows": [normalise(row, schema) for row in collected]}
        if args.get("partition_ids"):
            entry["partitions"] = [row["__partition"] for row in collected]
        batches.append(entry)

    query = (
        df.writeStream.foreachBatch(collect)
        .option("checkpointLocation", args["checkpoint"])
        .trigger(availableNow=True)
        .start()
    )
    try:
        query.awaitTermination(args.get("timeout", 300))
        if query.exception() is not None:
            raise RuntimeError(str(query.exception()))
    finally:
        query.stop()
    progress = [
        {
            "batchId": p["batchId"],
            "numInputRows": p["numInputRows"],
            "startOffset": p["sources"][0].get("startOffset"),
            "endOffset": p["sources"][0].get("endOffset"),
        }
        for p in query.recentProgress
    ]
    return {"batches": batches, "progress": progress}


def op_register_packed(args):
    """Registers a connector from its installed wheel (lakeflow pack)."""
    import importlib

    module = importlib.import_module(args["package"])
    cls = module.register(spark)
    return {"class": cls.__name__, "module": cls.__module__, "file": module.__file__}


def _local_pipeline(args):
    module = args.get("package")
    if module:
        import importlib

        local = importlib.import_module(module + "._lakeflow_spark.local_pipelines")
    else:
        from lakeflow_spark import local_pipelines as local
    return local.LocalPipeline(
        spark, args["root"], connection_options=args.get("connection_options"), secrets=args.get("secrets")
    )


def _tables_and_report(pipeline, targets):
    tables = {}
    for target in targets:
        frame = pipeline.read_table(target)
        tables[target] = None if frame is None else rows_of(frame)
    return {"tables": tables, "expectations": pipeline.expectation_report()}


def op_pipeline_file(args):
    """Runs a generated pipeline file with LocalPipeline standing in for the dlt module.

    ``path``: a directory put first on sys.path (a bundle's root, for ``utilities``);
    ``conf``: pipeline configuration set on the session for the run, then unset.
    """
    pipeline = _local_pipeline(args)
    sys.modules["dlt"] = pipeline
    extra_path = args.get("path")
    if extra_path:
        sys.path.insert(0, extra_path)
    for name in [name for name in sys.modules if name == "utilities" or name.startswith("utilities.")]:
        del sys.modules[name]
    conf = args.get("conf") or {}
    for key, value in conf.items():
        spark.conf.set(key, value)
    try:
        with open(args["file"]) as handle:
            code = compile(handle.read(), args["file"], "exec")
        exec(code, {"spark": spark, "__name__": "pipeline"})
        pipeline.run()
    finally:
        sys.modules.pop("dlt", None)
        for key in conf:
            spark.conf.unset(key)
        if extra_path:
            sys.path.remove(extra_path)
    return _tables_and_report(pipeline, args["targets"])


def op_ingest(args):
    """Defines a spec's flows with ingest() on LocalPipeline for a connector started from a
    bridge command, runs them, and returns the target tables and the expectation report."""
    from lakeflow_spark import register
    from lakeflow_spark.pipeline import ingest

    register(spark, args["connector"], command=args["command"])
    pipeline = _local_pipeline(args)
    ingest(spark, args["spec"], dlt=pipeline, **(args.get("settings") or {}))
    pipeline.run()
    return _tables_and_report(pipeline, args["targets"])


def op_file_pipeline(args):
    """Runs the transformations of a generated file pipeline layout with LocalPipeline as dlt."""
    pipeline = _local_pipeline(args)
    sys.modules["dlt"] = pipeline
    sys.path.insert(0, args["dir"])
    for key, value in (args.get("conf") or {}).items():
        spark.conf.set(key, value)
    try:
        for file in args["files"]:
            with open(file) as handle:
                code = compile(handle.read(), file, "exec")
            exec(code, {"spark": spark, "__name__": "pipeline"})
        pipeline.run()
    finally:
        sys.modules.pop("dlt", None)
        sys.path.remove(args["dir"])
        for name in [name for name in sys.modules if name == "utilities" or name.startswith("utilities.")]:
            del sys.modules[name]
    out = {}
    for target in args["targets"]:
        frame = pipeline.read_table(target)
        out[target] = None if frame is None else rows_of(frame)
    return out


def op_read_parquet(args):
    frame = spark.read.parquet(args["path"])
    drop = [column for column in frame.columns if column.startswith("__") or column.startswith("_lakeflow")]
    return rows_of(frame.drop(*drop))


def op_struct_roundtrip(args):
    out = []
    for text in args["schemas"]:
        parsed = StructType.fromJson(json.loads(text))
        out.append(parsed.json())
    return out


def op_sql(args):
    return rows_of(spark.sql(args["query"]))


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}


def main():
    answers.write(json.dumps({"id": 0, "ok": True, "result": {"ready": True, "spark": spark.version}}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            result = OPS[request["op"]](request.get("args") or {})
            answer = {"id": request["id"], "ok": True, "result": result}
        except Exception as error:  # noqa: BLE001 - reported to the test
            answer = {
                "id": request["id"],
                "ok": False,
                "error": {"type": type(error).__name__, "message": str(error), "trace": traceback.format_exc()},
            }
        answers.write(json.dumps(answer) + "\n")
    spark.stop()


if __name__ == "__main__":
    main()

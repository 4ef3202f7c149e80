"""PySpark side of the Spark bridge benchmark (driven by spark.bench.ts).

Measures, in one SparkSession (local[2]), rows/s into a DataFrame for the same simulated
table read two ways:

* ``bridge``: format ``lakeflow_connect``, the TypeScript connector in Node handing Arrow
  record batches to Spark;
* ``python``: a plain Python data source (the way the Python connectors work) that fetches
  the same pages with urllib, parses them with ``json``, converts each record with
  upstream's ``parse_value`` rules and yields rows (tuples), which Spark turns into Arrow.

Each is timed for ``count()`` and for a write to Parquet, on one partition and on two.
Peak RSS is the largest sum of resident memory over the driver's process tree (JVM,
Python workers, Node) sampled every 100 ms during the run. Prints one JSON document.
"""

import json
import os
import shutil
import sys
import threading
import time
import urllib.request
from datetime import datetime

config = json.loads(sys.argv[1])
out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)

from pyspark.sql import Row, SparkSession  # noqa: E402
from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition  # noqa: E402
from pyspark.sql.types import (  # noqa: E402
    ArrayType,
    BooleanType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from lakeflow_spark import register  # noqa: E402

PAGE = 5000
def _struct(*fields):
    return StructType([StructField(name, kind, nullable) for name, kind, nullable in fields])


SCHEMA = _struct(
    ("id", LongType(), False),
    ("user_id", LongType(), True),
    ("session_id", StringType(), True),
    ("event_type", StringType(), True),
    ("occurred_at", TimestampType(), True),
    ("received_at", TimestampType(), True),
    ("amount", DoubleType(), True),
    ("currency", StringType(), True),
    ("country", StringType(), True),
    ("city", StringType(), True),
    (
        "device",
        _struct(
            ("os", StringType(), True),
            ("os_version", StringType(), True),
            ("model", StringType(), True),
            ("screen", _struct(("width", LongType(), True), ("height", LongType(), True)), True),
        ),
        True,
    ),
    ("page", _struct(("path", StringType(), True), ("referrer", StringType(), True), ("title", StringType(), True)), True),
    ("tags", ArrayType(StringType(), True), True),
    ("duration_ms", LongType(), True),
    ("is_bot", BooleanType(), True),
)


def parse_value(value, field_type):
    """Upstream's record conversion (libs/utils.py parse_value, upstream-spec 2.4) for these types."""
    if value is None:
        return None
    if isinstance(field_type, StructType):
        if not isinstance(value, dict):
            raise ValueError(f"Expected a dictionary for StructType, got {type(value)}")
        if value == {}:
            raise ValueError("Use null instead of an empty object")
        fields = {}
        for field in field_type.fields:
            if field.name in value:
                fields[field.name] = parse_value(value[field.name], field.dataType)
            elif field.nullable:
                fields[field.name] = None
            else:
                raise ValueError(f"Field {field.name} is not nullable but not found in the input")
        return Row(**fields)
    if isinstance(field_type, ArrayType):
        if isinstance(value, list):
            return [parse_value(item, field_type.elementType) for item in value]
        return [parse_value(value, field_type.elementType)]
    try:
        if isinstance(field_type, StringType):
            return str(value)
        if isinstance(field_type, (IntegerType, LongType)):
            if isinstance(value, str) and value.strip():
                return int(float(value)) if "." in value else int(value)
            if isinstance(value, (int, float)):
                return int(value)
            raise ValueError("not an integer")
        if isinstance(field_type, (FloatType, DoubleType)):
            return float(value)
        if isinstance(field_type, BooleanType):
            if isinstance(value, str):
                lowered = value.lower()
                if lowered in ("true", "t", "yes", "y", "1"):
                    return True
                if lowered in ("false", "f", "no", "n", "0"):
                    return False
            return bool(value)
        if isinstance(field_type, TimestampType):
            if isinstance(value, str):
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            if isinstance(value, (int, float)):
                return datetime.fromtimestamp(value)
            return value
    except (ValueError, TypeError) as error:
        raise ValueError(f"Error converting '{value}' ({type(value)}) to {field_type}: {error}")
    raise ValueError(f"Unsupported field type {field_type}")


class PythonEventsReader(DataSourceReader):
    """How the Python connectors read: pages over urllib, json.loads, parse_value per record."""

    def __init__(self, options):
        self.url = options["base_url"]
        self.total = int(options.get("total", "1000000"))
        self.parts = int(options.get("partitions", "1"))

    def partitions(self):
        size = -(-self.total // self.parts // PAGE) * PAGE
        return [InputPartition((start, min(self.total, start + size))) for start in range(0, self.total, size)]

    def read(self, partition):
        start, end = partition.value
        for offset in range(start, end, PAGE):
            limit = min(PAGE, end - offset)
            with urllib.request.urlopen(f"{self.url}/events?offset={offset}&limit={limit}") as response:
                records = json.loads(response.read())
            for record in records:
                yield parse_value(record, SCHEMA)


class PythonEventsSource(DataSource):
    @classmethod
    def name(cls):
        return "bench_python_events"

    def schema(self):
        return SCHEMA

    def reader(self, schema):
        return PythonEventsReader(self.options)


def tree_rss_bytes(root):
    """Sum of VmRSS over the process tree under ``root``."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def measure(label, action, verify=None):
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_bytes(os.getpid()))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    rows = action()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if verify is not None:
        rows = verify()
    print(f"{label}: {rows} rows in {seconds:.2f} s", file=sys.stderr)
    return {"label": label, "rows": rows, "seconds": seconds, "peak_rss_bytes": peak[0]}


def main():
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    register(spark, "bench", command=config["command"])
    spark.dataSource.register(PythonEventsSource)
    url, total = config["url"], config["records"]
    parquet = config["parquet"]
    results = []

    def frame(reader, partitions, rows=total):
        options = {"tableName": "events", "base_url": url, "total": str(rows), "partitions": str(partitions)}
        if config.get("batchRows"):
            options["bridgeBatchRows"] = str(config["batchRows"])
        return spark.read.format(reader).options(**options).load()

    # Warm up the JVM, the Python workers and the Node processes on a small read of each.
    for reader in ("lakeflow_connect", "bench_python_events"):
        frame(reader, 2, 20_000).count()
    for partitions in config["partitions"]:
        for reader, name in (("lakeflow_connect", "bridge"), ("bench_python_events", "python")):
            results.append(measure(f"{name} count {partitions}p", lambda: frame(reader, partitions).count()))

            def write():
                shutil.rmtree(parquet, ignore_errors=True)
                frame(reader, partitions).write.mode("overwrite").parquet(parquet)

            def written():
                return spark.read.parquet(parquet).count()

            results.append(measure(f"{name} parquet {partitions}p", write, written))
    shutil.rmtree(parquet, ignore_errors=True)
    out.write(json.dumps({"spark": spark.version, "results": results}) + "\n")
    out.flush()
    spark.stop()


if __name__ == "__main__":
    main()

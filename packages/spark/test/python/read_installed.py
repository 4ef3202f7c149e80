"""Reads one table through an installed connector wheel with local PySpark (a release test).

    python read_installed.py <python package> '<options JSON>' <key column>

Prints one JSON line: the package's file and version, and the key column of every row read.
Run with the interpreter of the virtualenv the wheel was installed into (PYSPARK_PYTHON too).
"""

import importlib
import json
import os
import sys

answers = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)  # Spark's and the JVM's output go to stderr; stdout carries the answer only

from pyspark.sql import SparkSession  # noqa: E402


def main() -> None:
    package, options, key = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    packed = importlib.import_module(package)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("lakeflow-release-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    try:
        packed.register(spark)
        rows = spark.read.format("lakeflow_connect").options(**options).load().collect()
        answers.write(json.dumps({"file": packed.__file__, "version": packed.VERSION, "keys": [row[key] for row in rows]}) + "\n")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()

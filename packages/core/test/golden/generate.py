"""Writes the golden files of packages/core/test/schema-golden.test.ts with PySpark.

Not run by CI: the golden files are committed. Rerun after changing the cases, with the
PySpark 4.3 virtualenv (a JVM is needed for toDDL; pass --no-ddl to skip the DDL files):

    /tmp/pyspark-venv/bin/python packages/core/test/golden/generate.py

The schemas mirror packages/core/test/schema-golden-cases.ts; keep the two in step.
"""

import os
import sys

from pyspark.sql.types import (
    ArrayType,
    BinaryType,
    BooleanType,
    ByteType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    MapType,
    ShortType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
    VariantType,
)

HERE = os.path.dirname(os.path.abspath(__file__))


def field(name, data_type, nullable=True, comment=None):
    return StructField(name, data_type, nullable, {} if comment is None else {"comment": comment})


TYPE_CASES = {
    "type-string": StringType(),
    "type-long": LongType(),
    "type-integer": IntegerType(),
    "type-short": ShortType(),
    "type-byte": ByteType(),
    "type-double": DoubleType(),
    "type-float": FloatType(),
    "type-boolean": BooleanType(),
    "type-date": DateType(),
    "type-timestamp": TimestampType(),
    "type-timestamp_ntz": TimestampNTZType(),
    "type-binary": BinaryType(),
    "type-variant": VariantType(),
    "type-decimal-10-0": DecimalType(10, 0),
    "type-decimal-38-18": DecimalType(38, 18),
    "type-array": ArrayType(LongType(), True),
    "type-array-not-null": ArrayType(LongType(), False),
    "type-map": MapType(StringType(), LongType(), True),
    "type-map-not-null": MapType(StringType(), LongType(), False),
}

USER = StructType(
    [
        field("login", StringType(), False),
        field("id", LongType(), False),
        field("site_admin", BooleanType()),
    ]
)

PRIMITIVES = [
    ("s", StringType()),
    ("l", LongType()),
    ("i", IntegerType()),
    ("sh", ShortType()),
    ("b", ByteType()),
    ("d", DoubleType()),
    ("f", FloatType()),
    ("bool", BooleanType()),
    ("dec", DecimalType(10, 2)),
    ("dt", DateType()),
    ("ts", TimestampType()),
    ("ntz", TimestampNTZType()),
    ("bin", BinaryType()),
    ("v", VariantType()),
]

TABLE_CASES = {
    "primitives": StructType([field(name, data_type) for name, data_type in PRIMITIVES]),
    "primitives-not-null": StructType([field(name, data_type, False) for name, data_type in PRIMITIVES]),
    "decimals": StructType(
        [
            field("default_precision", DecimalType()),
            field("one", DecimalType(1, 0)),
            field("money", DecimalType(10, 2)),
            field("wide", DecimalType(38, 18)),
            field("all_scale", DecimalType(38, 38)),
            field("fraction", DecimalType(5, 5)),
        ]
    ),
    "arrays": StructType(
        [
            field("longs", ArrayType(LongType(), True)),
            field("strict_longs", ArrayType(LongType(), False)),
            field("required_list", ArrayType(StringType(), True), False),
            field("nested", ArrayType(ArrayType(StringType(), False), True)),
            field("users", ArrayType(USER, True)),
            field("strict_users", ArrayType(StructType([field("id", LongType())]), False), False),
        ]
    ),
    "maps": StructType(
        [
            field("counts", MapType(StringType(), LongType(), True)),
            field("strict_counts", MapType(StringType(), LongType(), False)),
            field("by_login", MapType(StringType(), USER, True)),
            field("tags_by_id", MapType(LongType(), ArrayType(StringType(), True), True)),
            field("nested", MapType(StringType(), MapType(DateType(), DoubleType(), False), True), False),
        ]
    ),
    "nested-structs": StructType(
        [
            field("id", LongType(), False),
            field(
                "outer",
                StructType(
                    [
                        field(
                            "middle",
                            StructType(
                                [
                                    field("inner", StructType([field("leaf", TimestampType(), False)]), False),
                                    field("n", IntegerType()),
                                ]
                            ),
                        ),
                        field("label", StringType(), False),
                    ]
                ),
                False,
            ),
            field("empty_ok", StructType([field("only", BinaryType())])),
        ]
    ),
    "comments": StructType(
        [
            field("created", TimestampType(), comment="Créé à (UTC)"),
            field("japanese", StringType(), comment="日本語のコメント"),
            field("emoji", LongType(), False, comment="rocket 🚀 count"),
            field("quotes", StringType(), comment='it\'s "quoted" and a back\\slash'),
            field("control", StringType(), comment="line one\nline two\ttabbed"),
            field(
                "nested",
                StructType([field("inner", LongType(), comment="ünïcödé inside")]),
                comment="Ωmega struct",
            ),
        ]
    ),
    "odd-names": StructType(
        [
            field(name, LongType() if name in ("+1", "-1") else StringType())
            for name in ["+1", "-1", "a.b", "with space", "é", "back`tick", "1abc", "select", "CamelCase", "_under", "z_last", "A_first", "__proto__"]
        ]
    ),
    "issue": StructType(
        [
            field("id", LongType(), False),
            field("number", LongType()),
            field("title", StringType()),
            field("user", USER),
            field(
                "labels",
                ArrayType(StructType([field("id", LongType()), field("name", StringType()), field("color", StringType())]), True),
            ),
            field(
                "milestone",
                StructType([field("id", LongType()), field("due_on", TimestampType()), field("closed_at", TimestampType())]),
            ),
            field(
                "reactions",
                StructType([field("total_count", LongType()), field("+1", LongType()), field("-1", LongType())]),
            ),
            field("pull_request", MapType(StringType(), StringType(), True)),
            field("created_at", TimestampType()),
            field("updated_at", TimestampType(), False),
            field("body", StringType()),
        ]
    ),
}


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def main():
    for name, data_type in TYPE_CASES.items():
        write(f"{name}.golden.json", data_type.json())
    for name, schema in TABLE_CASES.items():
        text = schema.json()
        assert StructType.fromJson(__import__("json").loads(text)) == schema, name
        write(f"{name}.golden.json", text)
    if "--no-ddl" in sys.argv:
        return
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    try:
        for name, schema in TABLE_CASES.items():
            ddl = schema.toDDL()
            write(f"{name}.golden.ddl", ddl)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()

/** The generated Python files of a packed connector package. */

import { pep440Version } from './wheel.ts'

interface ConnectorInfo {
  name: string
  packageName: string
  version: string
}

const literal = (value: string) => JSON.stringify(value)

/** `<package>/__init__.py`: `register(spark)` and `ingest(spark, spec)`, importing PySpark lazily. */
export function packageInit(pythonPackage: string, connector: ConnectorInfo): string {
  return `"""Lakeflow connector ${connector.name} (${connector.packageName} ${connector.version}) for Apache Spark.

Packed by \`lakeflow pack\`. The connector runs in a Node.js process (connector.mjs) and
serves rows to the \`lakeflow_connect\` Python data source as Arrow record batches.

    from ${pythonPackage} import register
    register(spark)
    spark.read.format("lakeflow_connect").option("tableName", "...").load()

Node: the \`nodePath\` option, the LAKEFLOW_NODE environment variable, the Node binary
bundled in this wheel (\`lakeflow pack --bundle-node\`), or \`node\` on the PATH.
"""

from typing import Any

CONNECTOR = ${literal(connector.name)}
NPM_PACKAGE = ${literal(connector.packageName)}
VERSION = ${literal(connector.version)}
WHEEL_VERSION = ${literal(pep440Version(connector.version))}


def register(spark: Any, connector: str = CONNECTOR) -> Any:
    """Registers this connector as the \`lakeflow_connect\` data source; returns the class."""
    if connector != CONNECTOR:
        from ._lakeflow_spark.registry import register as register_other

        return register_other(spark, connector)
    from .source import LakeflowSource

    spark.dataSource.register(LakeflowSource)
    return LakeflowSource


def ingest(spark: Any, spec: Any, connector_volume: str = "", **settings: Any) -> None:
    """Defines the Spark Declarative Pipelines flows of a pipeline spec (upstream ingest).

    \`connector_volume\`: the versioned directory this wheel was released to; when its
    \`latest\` is another version, the pipeline log says so.
    """
    from ._lakeflow_spark.pipeline import ingest as define

    if connector_volume:
        _note_release(connector_volume)
    define(spark, spec, **settings)


def _note_release(directory: str) -> None:
    import logging

    from ._lakeflow_spark.volume import VolumeLayoutError, release_notice

    logger = logging.getLogger("lakeflow_spark")
    try:
        notice = release_notice(WHEEL_VERSION, directory)
    except (OSError, VolumeLayoutError) as error:
        logger.info("No release information in %s: %s", directory, error)
        return
    if notice:
        logger.warning(notice)


def function(name: str, return_type: Any) -> Any:
    """A Spark UDF running the connector's column function \`name\` in its Node bridge."""
    from ._lakeflow_spark.functions import column_function

    return column_function({"connector": CONNECTOR, "package": __name__}, name, return_type)
`
}

/** `<package>/source.py`: the importable data source class (pickled by reference). */
export function packageSource(pythonPackage: string, connector: ConnectorInfo): string {
  return `"""The \`lakeflow_connect\` data source of connector ${connector.name}."""

from ._lakeflow_spark.datasource import LakeflowDataSource


class LakeflowSource(LakeflowDataSource):
    """Reads connector ${connector.name} through its bundled Node bridge (connector.mjs)."""

    _lakeflow_bridge = {"connector": ${literal(connector.name)}, "package": ${literal(pythonPackage)}}
`
}

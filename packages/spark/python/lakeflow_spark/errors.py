"""Errors raised by the Lakeflow Spark bridge.

Every message names the connector and, where there is one, the table, so a failed Spark
task says which source failed and why without digging through executor logs.
"""

from typing import Any, Dict, Optional


class LakeflowBridgeError(Exception):
    """The bridge itself failed: Node could not start, crashed, or broke the protocol."""


class LakeflowConnectorError(Exception):
    """A connector call failed inside the Node process (a typed error from the connector).

    Attributes mirror the wire error: ``name`` (the TypeScript error class, e.g.
    ``ApiCallError``), ``category`` (``config``, ``auth``, ``transient``, ``source``,
    ``schema`` or ``internal``), ``retryable`` and ``status`` for API calls.
    """

    def __init__(self, connector: str, table: Optional[str], error: Dict[str, Any]):
        self.connector = connector
        self.table = table
        self.name = str(error.get("name", "Error"))
        self.category = str(error.get("category", "internal"))
        self.retryable = error.get("retryable")
        self.status = error.get("status")
        self.detail = str(error.get("message", ""))
        self.stack = error.get("stack")
        where = f"connector '{connector}'" + (f", table '{table}'" if table else "")
        super().__init__(f"[lakeflow_connect] {where}: {self.name} ({self.category}): {self.detail}")

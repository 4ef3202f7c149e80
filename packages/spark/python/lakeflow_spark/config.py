"""How the Python side finds the Node process to run for a connector.

A data source class carries a small config dict (``_lakeflow_bridge``):

* ``connector``: the connector's short name, used in messages.
* ``command``: an explicit command (a list), e.g. for development in the monorepo:
  ``[node, "--conditions=@lakeflow/source", ".../lakeflow-bridge.ts", "--connector", "example"]``.
* ``package``: a Python package built by ``lakeflow pack`` that holds ``connector.mjs`` (the
  connector bundled with the bridge) and possibly ``_node/bin/node``.
* ``cwd``: the working directory of the Node process (package names resolve from it).

Node itself, for packed connectors, is the first of: the ``nodePath`` option, the
``LAKEFLOW_NODE`` environment variable, the Node binary bundled in the wheel
(``--bundle-node``), ``node`` on the PATH.
"""

import importlib
import os
import shutil
import stat
from pathlib import Path
from typing import Any, List, Mapping, Optional

from . import options as opts
from .errors import LakeflowBridgeError

BUNDLE_FILE = "connector.mjs"
BUNDLED_NODE = os.path.join("_node", "bin", "node")


def bridge_command(config: Mapping[str, Any], options: Mapping[str, str]) -> List[str]:
    """The command starting the Node bridge for this data source."""
    explicit = config.get("command")
    if explicit:
        return [str(part) for part in explicit]
    package = config.get("package")
    if not package:
        raise LakeflowBridgeError(
            f"[lakeflow_connect] connector '{config.get('connector')}': no bridge command and no "
            "packed package configured; use register(spark, name, command=[...]) or install the "
            "wheel built by `lakeflow pack`."
        )
    root = Path(importlib.import_module(package).__file__ or "").parent
    bundle = root / BUNDLE_FILE
    if not bundle.is_file():
        raise LakeflowBridgeError(f"[lakeflow_connect] package '{package}' has no {BUNDLE_FILE} at {bundle}")
    return [find_node(options, root, str(config.get("connector"))), str(bundle)]


def find_node(options: Mapping[str, str], package_root: Optional[Path], connector: str) -> str:
    """The Node binary to run (see the module docstring for the order)."""
    for candidate in (opts.get(options, opts.NODE_PATH), os.environ.get("LAKEFLOW_NODE")):
        if candidate:
            return candidate
    if package_root is not None:
        bundled = package_root / BUNDLED_NODE
        if bundled.is_file():
            if not os.access(bundled, os.X_OK):
                try:
                    bundled.chmod(bundled.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
                except OSError:
                    pass
            return str(bundled)
    found = shutil.which("node")
    if found:
        return found
    raise LakeflowBridgeError(
        f"[lakeflow_connect] connector '{connector}': no Node.js found. Set the nodePath option "
        "(for example a Node binary in a Unity Catalog volume), the LAKEFLOW_NODE environment "
        "variable, or pack the connector with --bundle-node."
    )

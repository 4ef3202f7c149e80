"""Versioned connector directories, as ``lakeflow pack <connector> --to <dir>`` writes them.

``<dir>`` is typically a Unity Catalog volume (``/Volumes/<catalog>/<schema>/<volume>``)::

    <dir>/lakeflow_connector_<name>/
        lakeflow_connector_<name>-0.1.0-py3-none-any.whl
        lakeflow_connector_<name>-0.2.0-py3-none-any.whl
        latest

Every version stays. ``latest`` names the wheel of the newest version: a symbolic link to
it where the file system allows one, otherwise a small text file holding its file name
(volumes do not allow links). Both forms are read the same way here. The directory also
works as a pip ``--find-links`` location.
"""

import os
from typing import Optional

POINTER = "latest"


class VolumeLayoutError(ValueError):
    """A versioned connector directory is missing something it should hold."""


def read_latest(directory: str) -> str:
    """The path of the wheel ``<directory>/latest`` names (a symbolic link or a pointer file)."""
    pointer = os.path.join(directory, POINTER)
    if os.path.islink(pointer):
        name = os.readlink(pointer)
    elif os.path.isfile(pointer):
        with open(pointer, encoding="utf-8") as handle:
            name = handle.read().strip()
    else:
        raise VolumeLayoutError(f"{directory} has no '{POINTER}' pointer (a link or a file naming the newest wheel)")
    if not name.endswith(".whl") or os.sep in name or (os.altsep and os.altsep in name):
        raise VolumeLayoutError(f"{pointer} should name a wheel file in the same directory, got {name!r}")
    wheel = os.path.join(directory, name)
    if not os.path.isfile(wheel):
        raise VolumeLayoutError(f"{pointer} names {name}, which is not in {directory}")
    return wheel


def wheel_version(path: str) -> str:
    """The version in a wheel's file name (``<name>-<version>-<tags>.whl``)."""
    parts = os.path.basename(path).split("-")
    if len(parts) < 3 or not path.endswith(".whl"):
        raise VolumeLayoutError(f"Not a wheel file name: {os.path.basename(path)!r}")
    return parts[1]


def resolve_wheel(path: str, version: Optional[str] = None) -> str:
    """A wheel from a versioned directory: ``version`` when given, else the one ``latest`` names.

    ``path`` may also be the ``latest`` pointer itself or a wheel file.
    """
    if os.path.basename(path) == POINTER and not os.path.isdir(path):
        return read_latest(os.path.dirname(path))
    if path.endswith(".whl"):
        if not os.path.isfile(path):
            raise VolumeLayoutError(f"No wheel at {path}")
        return path
    if version is None:
        return read_latest(path)
    found = sorted(name for name in os.listdir(path) if name.endswith(".whl") and wheel_version(name) == version)
    if not found:
        raise VolumeLayoutError(f"{path} holds no wheel of version {version}")
    if len(found) > 1:
        raise VolumeLayoutError(f"{path} holds several wheels of version {version} ({', '.join(found)}); pick one")
    return os.path.join(path, found[0])


def release_notice(installed: str, directory: str) -> Optional[str]:
    """A line for the pipeline log when ``latest`` in ``directory`` is not the installed version."""
    latest = wheel_version(read_latest(directory))
    if latest == installed:
        return None
    return (
        f"The pipeline runs version {installed}; {directory} has {latest} as latest. "
        "Change the pinned wheel in the pipeline settings to move to it."
    )

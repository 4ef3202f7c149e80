"""The Python end of the bridge protocol: one Node process per Python process, reused.

Requests go to the Node process's stdin as JSON lines; responses come back on its stdout
as frames (a 9-byte header: kind ``J`` or ``A``, request id and payload length as uint32
little-endian, then the payload). ``A`` payloads are Arrow IPC streams holding one record
batch each, already converted to the table schema, so rows are never touched in Python.
See ``packages/spark/src/protocol/messages.ts`` for the message catalogue.
"""

import atexit
import base64
import collections
import io
import json
import logging
import os
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import pyarrow as pa

from .errors import LakeflowBridgeError, LakeflowConnectorError

PROTOCOL_VERSION = 1
FRAME_JSON = 0x4A
FRAME_ARROW = 0x41
_HEADER = struct.Struct("<BII")
_STDERR_LINES = 60

logger = logging.getLogger("lakeflow_spark")
if os.environ.get("LAKEFLOW_SPARK_LOG"):
    # Diagnostics from Spark's Python workers go to their stderr (the executor log).
    logging.basicConfig(stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logger.setLevel(os.environ["LAKEFLOW_SPARK_LOG"].upper())


def _grow_pipe(stream: Any) -> None:
    """Asks Linux for a 1 MiB pipe (default 64 KiB): fewer wake-ups per Arrow batch."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError):
        pass


class NodeBridge:
    """A running Node bridge process serving one connector.

    Calls are sequential (one Spark task at a time per Python worker); ``read`` holds the
    process until its batches are consumed or the generator is closed, in which case the
    read is cancelled and its remaining frames are drained.
    """

    def __init__(self, command: Sequence[str], connector: str, cwd: Optional[str] = None):
        self.command = list(command)
        self.connector = connector
        self._next_id = 1
        self._lock = threading.RLock()
        self._stderr: "collections.deque[str]" = collections.deque(maxlen=_STDERR_LINES)
        self.dead = False
        try:
            self._process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                bufsize=0,
            )
        except OSError as error:
            raise LakeflowBridgeError(
                f"[lakeflow_connect] connector '{connector}': could not start the Node bridge "
                f"({' '.join(self.command[:2])}): {error}. Set the nodePath option or the "
                "LAKEFLOW_NODE environment variable to a Node.js 22+ binary, or pack the "
                "connector with --bundle-node."
            ) from error
        self.pid = self._process.pid
        _grow_pipe(self._process.stdout)
        self._out = io.BufferedReader(self._process.stdout, buffer_size=1 << 20)  # type: ignore[arg-type]
        self._stderr_thread = threading.Thread(target=self._pump_stderr, daemon=True)
        self._stderr_thread.start()
        hello = self.call("hello", {}, context="starting")
        if hello.get("protocol") != PROTOCOL_VERSION:
            self.close()
            raise LakeflowBridgeError(
                f"[lakeflow_connect] connector '{connector}': the Node bridge speaks protocol "
                f"{hello.get('protocol')!r}, this Python package speaks {PROTOCOL_VERSION}; "
                "install matching versions (repack the connector)."
            )
        self.hello = hello

    # -- plumbing -----------------------------------------------------------------------

    def _pump_stderr(self) -> None:
        stream = self._process.stderr
        assert stream is not None
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            self._stderr.append(line)
            logger.debug("[%s node] %s", self.connector, line)

    def stderr_tail(self) -> str:
        """The last lines the Node process wrote to stderr."""
        return "\n".join(self._stderr)

    def _send(self, method: str, params: Dict[str, Any]) -> int:
        request_id = self._next_id
        self._next_id += 1
        line = json.dumps({"v": PROTOCOL_VERSION, "id": request_id, "method": method, "params": params})
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(line.encode("utf-8") + b"\n")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise self._crashed(f"sending {method}") from error
        return request_id

    def _read_exact(self, size: int) -> Optional[bytes]:
        data = self._out.read(size)
        if data is None or len(data) < size:
            return None
        return data

    def _read_frame(self, context: str) -> Tuple[int, int, bytes]:
        header = self._read_exact(_HEADER.size)
        if header is None:
            raise self._crashed(context)
        kind, frame_id, length = _HEADER.unpack(header)
        payload = self._read_exact(length) if length else b""
        if payload is None:
            raise self._crashed(context)
        return kind, frame_id, payload

    def _crashed(self, context: str) -> LakeflowBridgeError:
        self.dead = True
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            code = self._process.wait()
        self._stderr_thread.join(timeout=2)
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        tail = self.stderr_tail() or "(nothing)"
        return LakeflowBridgeError(
            f"[lakeflow_connect] the Node process of connector '{self.connector}' (pid {self.pid}) "
            f"{how} while {context}. Last lines of its stderr:\n{tail}"
        )

    def _decode(self, payload: bytes) -> Dict[str, Any]:
        return json.loads(payload.decode("utf-8"))

    # -- calls --------------------------------------------------------------------------

    def call(self, method: str, params: Dict[str, Any], context: str = "", table: Optional[str] = None) -> Any:
        """Sends one request and returns its result, raising ``LakeflowConnectorError``."""
        with self._lock:
            what = context or f"calling {method}" + (f" for table '{table}'" if table else "")
            request_id = self._send(method, params)
            while True:
                kind, frame_id, payload = self._read_frame(what)
                if kind != FRAME_JSON or frame_id != request_id:
                    continue
                message = self._decode(payload)
                if message.get("type") == "error":
                    raise LakeflowConnectorError(self.connector, table, message.get("error", {}))
                return message.get("result")

    def read(
        self, params: Dict[str, Any], table: Optional[str], on_end: Callable[[Dict[str, Any]], None]
    ) -> Iterator[pa.RecordBatch]:
        """Streams a read's record batches; ``on_end`` receives the end (offset, rows)."""
        with self._lock:
            context = f"reading table '{table}'" if table else "reading"
            started = time.perf_counter()
            waiting = 0.0
            request_id = self._send("read", params)
            finished = False
            try:
                while True:
                    before = time.perf_counter()
                    kind, frame_id, payload = self._read_frame(context)
                    waiting += time.perf_counter() - before
                    if frame_id != request_id:
                        continue
                    if kind == FRAME_ARROW:
                        yield pa.ipc.open_stream(pa.py_buffer(payload)).read_next_batch()
                        continue
                    message = self._decode(payload)
                    finished = True
                    if message.get("type") == "error":
                        raise LakeflowConnectorError(self.connector, table, message.get("error", {}))
                    end = message.get("result") or {}
                    logger.debug(
                        "read of %s.%s (%s): %s rows in %s batches, %.2f s, %.2f s waiting for Node",
                        self.connector,
                        table,
                        params.get("kind"),
                        end.get("rows"),
                        end.get("batches"),
                        time.perf_counter() - started,
                        waiting,
                    )
                    on_end(end)
                    return
            finally:
                if not finished and not self.dead:
                    self._cancel(request_id, context)

    def call_function(self, name: str, batch: pa.RecordBatch) -> pa.Array:
        """Runs the connector's column function ``name`` on a batch of arguments (one column each)."""
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)
        payload = base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")
        context = f"calling function '{name}' on {batch.num_rows} rows"
        with self._lock:
            request_id = self._send("call", {"function": name, "batch": payload})
            result: Optional[pa.Array] = None
            while True:
                kind, frame_id, frame = self._read_frame(context)
                if frame_id != request_id:
                    continue
                if kind == FRAME_ARROW:
                    result = pa.ipc.open_stream(pa.py_buffer(frame)).read_next_batch().column(0)
                    continue
                message = self._decode(frame)
                if message.get("type") == "error":
                    raise LakeflowConnectorError(self.connector, None, message.get("error", {}))
                if result is None:
                    raise LakeflowBridgeError(f"[lakeflow_connect] function '{name}' of '{self.connector}' returned no batch")
                return result

    def _cancel(self, request_id: int, context: str) -> None:
        """Stops an abandoned read and drains its frames so the process can be reused."""
        try:
            self._send("cancel", {"id": request_id})
            while True:
                kind, frame_id, _ = self._read_frame(context)
                if kind == FRAME_JSON and frame_id == request_id:
                    return
        except LakeflowBridgeError:
            logger.warning("Node bridge of connector '%s' died while cancelling a read", self.connector)

    def close(self) -> None:
        """Asks the process to shut down, then makes sure it is gone."""
        if self._process.poll() is None:
            try:
                assert self._process.stdin is not None
                self._process.stdin.close()
                self._process.wait(timeout=5)
            except Exception:  # noqa: BLE001 - best effort, then kill
                self._process.kill()
                self._process.wait()
        self.dead = True


_pool: Dict[Tuple[str, ...], NodeBridge] = {}
_pool_pid = os.getpid()
_pool_lock = threading.Lock()


def get_bridge(command: Sequence[str], connector: str, cwd: Optional[str] = None) -> NodeBridge:
    """The Node process for this command in this Python process, started on first use.

    Spark forks Python workers from a daemon: a pool inherited through ``fork`` belongs to
    the parent, so it is dropped (not closed) when the process id changes.
    """
    global _pool_pid
    key = tuple(command)
    with _pool_lock:
        if os.getpid() != _pool_pid:
            _pool.clear()
            _pool_pid = os.getpid()
        bridge = _pool.get(key)
        if bridge is not None and (bridge.dead or bridge._process.poll() is not None):
            _pool.pop(key, None)
            bridge = None
        if bridge is None:
            bridge = NodeBridge(command, connector, cwd=cwd)
            _pool[key] = bridge
        return bridge


def pool_pids() -> List[int]:
    """Process ids of this process's live Node bridges (for diagnostics and tests)."""
    return [bridge.pid for bridge in _pool.values() if not bridge.dead]


@atexit.register
def shutdown_all() -> None:
    """Closes every Node process this Python process started (also runs at exit)."""
    if os.getpid() != _pool_pid:
        return
    for bridge in list(_pool.values()):
        bridge.close()
    _pool.clear()

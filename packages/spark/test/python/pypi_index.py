"""A private package index for the publish tests: pypiserver's own WSGI app on 127.0.0.1.

    python pypi_index.py <packages dir> <htpasswd file>   (the upload token on stdin)

Listens on a port the OS picks and prints it as the first line of stdout. Uploads need the
user ``__token__`` with the token read from stdin (kept out of the command line); downloads
and the PEP 503 ``simple/`` pages are open. Stops on SIGTERM.
"""

import pathlib
import signal
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pypiserver
from passlib.apache import HtpasswdFile


class StderrHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        sys.stderr.write("pypi-index: " + (format % args) + "\n")


def main() -> None:
    packages, htpasswd = sys.argv[1], sys.argv[2]
    token = sys.stdin.readline().strip()
    users = HtpasswdFile(htpasswd, new=True)
    users.set_password("__token__", token)
    users.save()
    app = pypiserver.app(
        roots=[pathlib.Path(packages)],
        password_file=htpasswd,
        authenticate=["update"],
        disable_fallback=True,
    )
    server = make_server("127.0.0.1", 0, app, handler_class=StderrHandler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""A warm pytest for mutation testing: mutmut 2 starts its runner once per mutant, and most of
that start is importing pytest's plugins and the libraries (hypothesis, faker, playwright,
Django), not running the tests. ``serve`` imports those once, then forks a child per request;
the child imports the portal's own modules afresh from the requesting directory (where mutmut
has just written the mutant) and runs pytest there.

    python tests/mutation_server.py serve /tmp/cixi-mutation.sock &
    mutmut run --runner "python tests/mutation_server.py run /tmp/cixi-mutation.sock -x tests/..."

The server never imports a module of the portal, so no child sees a stale copy of one.
"""

import json
import os
import signal
import socket
import sys

WARM = (
    "hypothesis",
    "faker",
    "factory",
    "pytest",
    "_pytest.python",
    "_pytest.assertion.rewrite",
    "pytest_django",
    "pytest_django.plugin",
    "playwright.sync_api",
    "pytest_playwright.pytest_playwright",
    "django.test",
    "django.db.models",
    "django.contrib.auth.base_user",
    "openpyxl",
    "defusedxml",
)


def serve(path: str) -> None:
    for name in WARM:
        try:
            __import__(name)
        except Exception as error:  # a library that needs settings at import stays cold
            print(f"not warmed: {name}: {error}", file=sys.stderr)
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(8)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    while True:
        connection, _address = server.accept()
        if os.fork() == 0:
            server.close()
            _child(connection)
        connection.close()


def _child(connection) -> None:
    request = json.loads(connection.makefile("r").readline())
    # mutmut 2 counts a mutant as killed only on exit status 1, so every way of not passing is
    # answered as 1: a mutant that breaks an import makes pytest stop with an internal error (3)
    # or raise from pytest.main, and must not be counted as surviving.
    code = 1
    try:
        os.chdir(request["cwd"])
        sys.path.insert(0, request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        import pytest

        code = 0 if int(pytest.main(request["args"])) == 0 else 1
    finally:
        connection.sendall(f"{code}\n".encode())
        connection.close()
        os._exit(0)


def run(path: str, args: list[str]) -> int:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(path)
    request = {"cwd": os.getcwd(), "env": dict(os.environ), "args": args}
    client.sendall((json.dumps(request) + "\n").encode())
    answer = client.makefile("r").readline().strip()
    return int(answer or 1)  # a child that died without answering did not pass


if __name__ == "__main__":
    command, path, *rest = sys.argv[1:]
    if command == "serve":
        serve(path)
    else:
        sys.exit(run(path, rest))

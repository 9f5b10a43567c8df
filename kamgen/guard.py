"""What the live-preview server answers before it serves a file.

The preview binds 127.0.0.1, but a web page the user visits can still reach
it through DNS rebinding: a name the attacker controls is re-pointed at
127.0.0.1, and the browser sends that name in the Host header. So a request
is answered only when its Host is an IP address or ``localhost``, on the
port the server listens on. A path that is not clean UTF-8 or holds a NUL
byte is a bad request (400), not a server error.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def host_allowed(host_header: str, port: int) -> bool:
    """True for ``127.0.0.1:8000``, ``localhost:8000``, ``[::1]:8000`` and any
    other IP literal on ``port``; never for a name, which could be rebound."""
    host, sep, given_port = host_header.rpartition(":")
    if not sep or given_port != str(port):
        return False
    host = host.removeprefix("[").removesuffix("]")
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def path_ok(environ: dict[str, Any]) -> bool:
    raw: str = environ.get("PATH_INFO", "")
    try:
        path = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return "\x00" not in path and "\x00" not in environ.get("QUERY_STRING", "")


def guarded(app: WSGIApp, port: int) -> WSGIApp:
    """``app`` behind the Host and path checks."""

    def guard(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not host_allowed(environ.get("HTTP_HOST", ""), port):
            return _refuse(start_response, "400 Bad Request", b"Bad Request: unexpected Host header\n")
        if not path_ok(environ):
            return _refuse(start_response, "400 Bad Request", b"Bad Request: invalid path\n")
        return app(environ, start_response)

    return guard


def _refuse(start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


class PortInUse(Exception):
    """The preview's address is taken; ``free`` is a nearby port that is not."""

    def __init__(self, host: str, port: int, free: int | None) -> None:
        super().__init__(f"{host}:{port} is in use")
        self.host, self.port, self.free = host, port, free


def split_addr(dev_addr: str) -> tuple[str, int]:
    host, _, port = dev_addr.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def check_port(dev_addr: str) -> None:
    """Raise :class:`PortInUse`, with a free port to suggest, when the
    address is taken; checked before the first build, not after it."""
    host, port = split_addr(dev_addr)
    if _bindable(host, port):
        return
    free = next((p for p in range(port + 1, port + 50) if _bindable(host, p)), None)
    raise PortInUse(host, port, free)


def _bindable(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True

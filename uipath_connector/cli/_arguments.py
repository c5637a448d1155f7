"""What every command shares: typed argument validators, one-line usage errors, and user errors without tracebacks.

A user mistake ends the command with exit status 2 and one line on stderr that names the flag and what it takes::

    $ uipath-connector emulator --port 70000
    uipath-connector emulator: --port: 70000 is not a port number (1..65535, or 0 for a free one)

The validators are argparse ``type=`` callables: they raise :class:`argparse.ArgumentTypeError`, which the parser
turns into that line. :func:`describe_user_error` does the same for what only shows when the command runs (a busy
port, a host that does not resolve, a file that cannot be written).
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import math
import re
import sys
from typing import NoReturn

__all__ = [
    "EXIT_USAGE",
    "OneLineArgumentParser",
    "describe_user_error",
    "host",
    "non_negative_float",
    "non_negative_int",
    "port",
    "port_or_zero",
    "positive_float",
    "positive_int",
]

#: The exit status of a usage error, as argparse and most Unix tools use it.
EXIT_USAGE = 2

# RFC 1123 host names: labels of letters, digits and inner hyphens, at most 63 characters each, 253 in all.
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


class OneLineArgumentParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (the program, the problem, where help is), exit 2.

    argparse prints the whole usage block before the error; for a command with twenty flags that buries the one
    line that matters. Sub-parsers created from it are of the same class.
    """

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"^argument ([^:]+): ", lambda m: f"{m.group(1).split('/')[-1]}: ", message)
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    try:
        value = kind(text.strip())
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1 (a count of jobs, attempts, items).

    >>> positive_int("3")
    3
    >>> positive_int("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: 0 is not allowed: give 1 or more
    """
    value = int(_number(text, int))
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: give 1 or more")
    return value


def non_negative_int(text: str) -> int:
    """A whole number of at least 0 (milliseconds, retries).

    >>> non_negative_int("0")
    0
    """
    value = int(_number(text, int))
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative: give 0 or more")
    return value


def positive_float(text: str) -> float:
    """A finite number above 0 (a timeout that must let something happen).

    >>> positive_float("2.5")
    2.5
    """
    value = float(_number(text, float))
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text.strip()} is not allowed: give a number above 0")
    return value


def non_negative_float(text: str) -> float:
    """A finite number of at least 0 (seconds to wait; 0 means do not wait).

    >>> non_negative_float("0")
    0.0
    >>> non_negative_float("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: -1 is negative: give 0 or more seconds
    """
    value = float(_number(text, float))
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text.strip()} is negative: give 0 or more seconds")
    return value


def port(text: str) -> int:
    """A TCP port to connect to: 1..65535.

    >>> port("8080")
    8080
    """
    value = int(_number(text, int))
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (1..65535)")
    return value


def port_or_zero(text: str) -> int:
    """A TCP port to listen on: 1..65535, or 0 to let the system pick a free one.

    >>> port_or_zero("0")
    0
    """
    value = int(_number(text, int))
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (1..65535, or 0 for a free one)")
    return value


def host(text: str) -> str:
    """A host name (RFC 1123) or an IPv4/IPv6 address, as given.

    >>> host("127.0.0.1"), host("::1"), host("emulator.internal")
    ('127.0.0.1', '::1', 'emulator.internal')
    >>> host("http://localhost")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: 'http://localhost' is not a host name or IP address (no scheme, port or path)
    """
    candidate = text.strip()
    try:
        ipaddress.ip_address(candidate.strip("[]"))
    except ValueError:
        name = candidate.removesuffix(".")
        if name and len(name) <= 253 and all(_LABEL.match(label) for label in name.split(".")):
            return candidate
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a host name or IP address (no scheme, port or path)"
        ) from None
    return candidate.strip("[]")


def describe_user_error(error: BaseException, arguments: argparse.Namespace) -> str | None:
    """One line for an error the user can fix (a busy port, an unknown host, no permission), else ``None``.

    ``arguments`` supplies the ``host`` and ``port`` the command was given, so the line names them.
    """
    where = _address(arguments)
    if isinstance(error, OSError):
        reason = error.strerror or str(error) or type(error).__name__
        if error.errno == errno.EADDRINUSE:
            return f"cannot listen on {where}: the port is already in use; choose another --port (0 picks a free one)"
        if error.errno == errno.EADDRNOTAVAIL:
            return f"cannot listen on {where}: this machine has no such address; try --host 127.0.0.1"
        if error.errno in (errno.EACCES, errno.EPERM) and where:
            return f"cannot listen on {where}: permission denied (ports below 1024 need privileges)"
        if type(error).__name__ == "gaierror":
            given = str(getattr(arguments, "host", "?"))
            if ":" in given:  # an IPv6 literal never needs resolving: the server is IPv4 only
                return f"cannot listen on {where}: only IPv4 addresses are supported; try --host 127.0.0.1"
            return f"cannot resolve host {given!r}: {reason}"
        if error.filename is not None:
            return f"{error.filename}: {reason}"
        if where:
            return f"cannot use {where}: {reason}"
        return reason
    return None


def _address(arguments: argparse.Namespace) -> str:
    given_host, given_port = getattr(arguments, "host", None), getattr(arguments, "port", None)
    if given_host is None or given_port is None:
        return ""
    return f"[{given_host}]:{given_port}" if ":" in str(given_host) else f"{given_host}:{given_port}"


def print_user_error(prog: str, line: str) -> int:
    """Print ``prog: line`` on stderr; return :data:`EXIT_USAGE`."""
    print(f"{prog}: {line}", file=sys.stderr)
    return EXIT_USAGE

#!/usr/bin/env python3
"""Container health check: exit 0 when every target answers.

    healthcheck http://127.0.0.1:8000/v2/models/router_encoder/ready tcp://127.0.0.1:50051

An http(s) target must answer 2xx; a tcp target must accept a connection. The arguments carry
no spaces on purpose: podman's Docker-compatible API splits a compose `test` list on spaces.
"""

from __future__ import annotations

import socket
import sys
import urllib.request
from urllib.parse import urlsplit

TIMEOUT_S = 2.0


def check(target: str) -> str | None:
    """None when the target is healthy, else why not."""
    parts = urlsplit(target)
    try:
        if parts.scheme == "tcp":
            with socket.create_connection((parts.hostname, parts.port), TIMEOUT_S):
                return None
        with urllib.request.urlopen(target, timeout=TIMEOUT_S) as response:
            return None if 200 <= response.status < 300 else f"status {response.status}"
    except (OSError, ValueError) as error:
        return str(error)


def main(targets: list[str]) -> int:
    failures = [f"{target}: {why}" for target in targets if (why := check(target))]
    print("\n".join(failures) or "healthy")
    return 1 if failures or not targets else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

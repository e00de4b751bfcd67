#!/usr/bin/env python3
"""Container health check without curl: ``healthcheck [URL]`` exits 0 on a 2xx answer, 1 otherwise.

Installed in the image as ``/usr/local/bin/healthcheck`` (standard library only). Used by the
compose health checks of the HTTP processes, e.g. ``healthcheck http://127.0.0.1:8001/readyz``.
Without an argument it asks ``http://127.0.0.1:$HEALTHCHECK_PORT/healthz`` (port 8000 by default).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = float(os.environ.get("HEALTHCHECK_TIMEOUT_SECONDS", "3"))


def check(url: str, timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
    """Whether ``url`` answers 2xx within ``timeout``, and a one-line reason."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return 200 <= answer.status < 300, f"{url}: HTTP {answer.status}"
    except urllib.error.HTTPError as error:  # 4xx/5xx (a 503 from /readyz lands here)
        return False, f"{url}: HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return False, f"{url}: {type(error).__name__}: {error}"


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else f"http://127.0.0.1:{os.environ.get('HEALTHCHECK_PORT', '8000')}/healthz"
    healthy, reason = check(url)
    print(reason)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""``make test-any-date``: the whole suite again at three awkward instants of the company's calendar.

The suite's clock (``SALESTEAM_TEST_CLOCK``) and the dev stack's (``DEV_CLOCK_AT``, set by the
end-to-end tests from it) are moved together; the database and the broker keep the machine's time,
as they would in production where they are other machines. The instants, from today's company date:

- the last day of this month at 23:50 company time (ten minutes before the month turns);
- the first day of next month at 00:30 company time (16:30 UTC the day before);
- the same day next year at 10:00 company time.

Extra arguments go to pytest (``python -m devstack.any_date -m "not integration"``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta

from devstack.pytest_plugin import TEST_CLOCK_ENV
from shared.clock import DEFAULT_COMPANY_TIMEZONE, SystemClock, company_timezone, first_day, last_day, shift_month


def awkward_instants(clock: SystemClock) -> dict[str, datetime]:
    zone = clock.timezone
    today = clock.today()
    month = clock.month()
    next_year = today.replace(year=today.year + 1, day=min(today.day, 28))
    return {
        "last day of the month, 23:50": datetime.combine(last_day(month), datetime.min.time(), zone)
        + timedelta(hours=23, minutes=50),
        "first day of the month, 00:30": datetime.combine(first_day(shift_month(month, 1)), datetime.min.time(), zone)
        + timedelta(minutes=30),
        "a day next year, 10:00": datetime.combine(next_year, datetime.min.time(), zone) + timedelta(hours=10),
    }


def main(pytest_args: list[str]) -> int:
    zone = company_timezone(os.environ.get("SALESTEAM_COMPANY_TIMEZONE", DEFAULT_COMPANY_TIMEZONE))
    results = []
    for label, instant in awkward_instants(SystemClock(zone)).items():
        print(f"\n=== {label}: {TEST_CLOCK_ENV}={instant.isoformat()} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", "pytest", *pytest_args],
                               env={**os.environ, TEST_CLOCK_ENV: instant.isoformat()})
        results.append((label, instant, code, time.monotonic() - started))
    print("\nThe suite at each instant:")
    for label, instant, code, seconds in results:
        print(f"  {'passed' if code == 0 else f'FAILED (exit {code})':<16} {instant.isoformat():<28} {label} "
              f"({seconds:.0f} s)")
    return max(code for _, _, code, _ in results)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark: the CPU an idle dev stack takes — every process of `make dev` together, with no traffic.

Prints, over a measuring window (a minute by default) after a settling pause, the CPU seconds each
process of the stack used and their sum as a share of one core (the goal is under 5 %). Nothing is
asserted. By default it starts its own stack (``python -m devstack`` on free ports in a scratch
folder); ``--pid`` measures a running ``make dev`` (the pid of its ``python -m devstack``) instead.

    .venv/bin/python bench/idle_cpu.py --seconds 60
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from intake_and_scoring import OTHER, CpuMeter, find_devstack_pid, say


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="length of the measuring window")
    parser.add_argument("--settle", type=float, default=20,
                        help="seconds to wait after the stack is ready (consumer groups joining, first sweeps)")
    parser.add_argument("--pid", type=int, help="measure the running stack under this `python -m devstack` pid")
    parser.add_argument("--running", action="store_true",
                        help="measure the one `python -m devstack` running on this machine")
    parser.add_argument("--start-timeout", type=float, default=180, help="seconds for the own stack to be ready")
    parser.add_argument("--top", type=int, default=40, help="processes listed")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    return args


def measure(root_pid: int, seconds: float) -> dict[str, Any]:
    """CPU seconds per process label of the stack under ``root_pid`` over ``seconds``; nothing of this
    script is counted (it sleeps)."""
    meter = CpuMeter(root_pid)
    before = meter.snapshot()
    started = time.perf_counter()
    time.sleep(seconds)
    used = CpuMeter.difference(before, meter.snapshot())
    wall = time.perf_counter() - started
    used.pop("load generator (this script)", None)
    other = used.pop(OTHER, 0.0)
    stack = sum(used.values())
    return {"seconds": wall, "stack_cpu_seconds": stack, "stack_share_of_a_core": stack / wall,
            "outside_stack_cores": other / wall, "per_process_cpu_seconds": used}


def report(figures: dict[str, Any], top: int = 40) -> None:
    wall = figures["seconds"]
    say(f"  IDLE STACK             {100 * figures['stack_share_of_a_core']:.1f}% of one core "
        f"({figures['stack_cpu_seconds']:.2f} CPU-s over {wall:.0f} s, every process of the stack together; "
        f"goal < 5%)")
    say(f"  (outside the stack, the machine was {figures['outside_stack_cores']:.2f} cores busy meanwhile)")
    for label, seconds in list(figures["per_process_cpu_seconds"].items())[:top]:
        if seconds > 0:
            say(f"    {label:<40} {seconds:6.2f} CPU-s  {100 * seconds / wall:5.2f}% of a core")


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    stack = scratch = None
    try:
        if args.pid or args.running:
            root_pid = args.pid or find_devstack_pid()
            if root_pid is None:
                say("no single `python -m devstack` found; pass --pid")
                return 1
        else:
            from devstack.harness import RunningStack

            scratch = tempfile.mkdtemp(prefix="bench-idle-")
            stack = RunningStack(Path(scratch) / "dev")
            say(f"Starting the dev stack in {scratch}…")
            stack.start(ready_within=args.start_timeout)
            root_pid = stack.process.pid
        say(f"Settling for {args.settle:g} s, then measuring {args.seconds:g} s of an idle stack (pid {root_pid})…")
        time.sleep(args.settle)
        report(measure(root_pid, args.seconds), args.top)
        return 0
    except KeyboardInterrupt:
        say("\ninterrupted")
        return 130
    finally:
        if stack is not None:
            with contextlib.suppress(Exception):
                stack.stop()
        if scratch is not None:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

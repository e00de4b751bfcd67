"""The dev stack as `make dev` starts it, its clock at the suite's instant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.harness import RunningStack
from devstack.pytest_plugin import suite_instant


@pytest.fixture
def running_stack(tmp_path) -> Iterator[RunningStack]:
    stack = RunningStack(tmp_path / "dev", clock_at=suite_instant())
    stack.start()
    yield stack
    stack.stop()

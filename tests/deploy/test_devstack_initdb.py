"""The embedded PostgreSQL's cluster creation: a failed initdb is tried again on an emptied folder,
and one that keeps failing is reported with initdb's own message (a CI run once died on a bare
"initdb returned non-zero exit status 1": another pytest session starting meanwhile had closed
/tmp/pytest-of-root to the unprivileged account initdb runs as)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from devstack.embedded import POSTGRES_OS_USER, EmbeddedPostgres, _postgres_bin, _run_as_kwargs


def fake_initdb(folder: Path, failures: int) -> Path:
    """An initdb that leaves debris and fails ``failures`` times, then creates the cluster."""
    folder.mkdir()
    counter = folder / "tries"
    script = folder / "initdb"
    script.write_text(f"""#!/bin/sh
data="$2"
tries=$(cat {counter} 2>/dev/null || echo 0); tries=$((tries + 1)); echo $tries > {counter}
touch "$data/half-written"
if [ $tries -le {failures} ]; then echo "initdb: error: could not create semaphores (try $tries)" >&2; exit 1; fi
[ -e "$data/half-written" ] && [ "$(ls "$data" | wc -l)" -eq 1 ] || {{ echo "debris left" >&2; exit 3; }}
echo 18 > "$data/PG_VERSION"
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


def test_a_failed_initdb_is_tried_again_on_an_emptied_folder(tmp_path: Path) -> None:
    binaries = fake_initdb(tmp_path / "bin", failures=2)
    data = tmp_path / "pgdata"
    data.mkdir()
    EmbeddedPostgres(data_dir=data, port=1)._initdb(binaries, {}, attempts=3)
    assert (data / "PG_VERSION").read_text().strip() == "18"
    assert (binaries / "tries").read_text().strip() == "3"


def test_an_initdb_that_keeps_failing_is_reported_in_its_own_words(tmp_path: Path) -> None:
    binaries = fake_initdb(tmp_path / "bin", failures=5)
    data = tmp_path / "pgdata"
    data.mkdir()
    with pytest.raises(RuntimeError, match=r"(?s)initdb failed 2 times .*could not create semaphores \(try 2\)"):
        EmbeddedPostgres(data_dir=data, port=1)._initdb(binaries, {}, attempts=2)
    assert list(data.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands initdb to the unprivileged account")
def test_initdb_gets_through_a_parent_folder_closed_meanwhile(tmp_path: Path) -> None:
    closed = tmp_path / "pytest-of-root"  # as a pytest session starting meanwhile leaves it
    data = closed / "dev" / "pgdata"
    data.mkdir(parents=True)
    run_as = _run_as_kwargs()
    shutil.chown(data, user=POSTGRES_OS_USER, group=POSTGRES_OS_USER)
    data.chmod(0o700)
    closed.chmod(0o700)
    EmbeddedPostgres(data_dir=data, port=1)._initdb(_postgres_bin(), run_as, attempts=1)
    assert (data / "PG_VERSION").exists()

"""Attendance facts are replaceable by revision: ``facts.revision``.

Revision ID: 2026_12_03_1000
Revises: 2026_11_23_1100
Create Date: 2026-12-03 10:00:00

org classifies each working day again after a correction, a leave approval or a calendar change,
with a higher revision each time (org.attendance.day_classified.v1). Appraisal keeps one fact per
employee and day and replaces it by a higher revision only. Existing facts are add-only: their
revision stays null. Settings ``APPRAISAL_ATTENDANCE_RECORDED`` and
``APPRAISAL_ASSUMED_ATTENDANCE_POINTS`` are gone with this release: attendance is measured.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_03_1000"
down_revision: str | None = "2026_11_23_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("facts", sa.Column("revision", sa.Integer()))


def downgrade() -> None:
    op.drop_column("facts", "revision")

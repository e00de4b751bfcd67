"""the org directory replica

Revision ID: 0002
"""

from alembic import op

from shared.migrations import create_directory_tables_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_directory_tables_v1(op)


def downgrade() -> None:
    op.drop_table("directory_groups")
    op.drop_table("directory_employees")

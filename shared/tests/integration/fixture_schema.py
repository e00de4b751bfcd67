"""A minimal service schema for testing the messaging plumbing: one counter per key."""

from pathlib import Path

from sqlalchemy import Column, Integer, String, Table

from shared.db import new_metadata

MIGRATIONS = Path(__file__).parent / "fixture_migrations"

metadata = new_metadata()

counters = Table(
    "counters",
    metadata,
    Column("name", String(100), primary_key=True),
    # Deliberately no uniqueness per event: only the inbox stands between a redelivery and a double count.
    Column("value", Integer, nullable=False),
)

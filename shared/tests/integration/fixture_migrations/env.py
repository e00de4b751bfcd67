from shared.migrations import run_env
from shared.tests.integration.fixture_schema import metadata

run_env(metadata)

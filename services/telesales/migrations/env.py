from shared.db import new_metadata
from shared.directory import directory_metadata
from shared.migrations import run_env
from telesales.adapters.tables import metadata

# The org-directory replica lives in this database too: autogenerate must see its tables, or it
# would propose dropping them.
target = new_metadata()
for table in (*metadata.tables.values(), *directory_metadata.tables.values()):
    table.to_metadata(target)

run_env(target)

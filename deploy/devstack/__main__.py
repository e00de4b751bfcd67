"""``python -m devstack`` (what ``make dev`` runs): the whole system on embedded defaults."""

import sys

from devstack.run import main

if __name__ == "__main__":
    sys.exit(main())

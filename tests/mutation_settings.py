"""The test settings with the SQLite test database kept in a file between runs (pytest
--reuse-db), for mutation runs of modules that no migration imports: each mutant's pytest then
skips the migrations (about 20 s) instead of building the database in memory afresh."""

import os

from cixi_portal.settings.test import *  # noqa: F403
from cixi_portal.settings.test import DATABASES

DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("MUTATION_TEST_DB", "/tmp/cixi-mutation-test.sqlite3")
}

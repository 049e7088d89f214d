"""PostgreSQL databases a test run makes for itself beside the one TEST_DATABASE_URL names: one
per pytest-xdist worker, and the target of the restore test. Each is created (afresh, should a
killed run have left it) through a connection to the named database, which must exist, and is
dropped at the end, whoever is still connected to it."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL


@contextmanager
def database_beside(url: URL, suffix: str) -> Iterator[URL]:
    """A new, empty database `<url's database>_<suffix>` on url's server: its URL."""
    own = url.set(database=f"{url.database}_{suffix}")
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    name = server.dialect.identifier_preparer.quote(own.database)
    try:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        yield own
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()

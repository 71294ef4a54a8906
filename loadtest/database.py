"""Make the load test's PostgreSQL database if it is missing.

    python -m loadtest.database postgres://postgres@127.0.0.1:5432/loadtest [--fresh]

Only a database whose name starts with "load" is touched: `bin/load` seeds the
demo network into it, and `--fresh` drops it first, so a mistyped
LOAD_DATABASE_URL can never reach real data.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


def ensure(url: str, *, fresh: bool) -> str:
    """Create (or, with `fresh`, recreate) the database; returns what was done."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in POSTGRES_SCHEMES:
        raise SystemExit(f"The load test runs on PostgreSQL: {url!r} is not a postgres:// URL.")
    if not name.startswith("load"):
        raise SystemExit(
            f"The load test's database must be named load…, not {name!r}: it fills it "
            "with demo people and may drop it."
        )
    server = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists and fresh:
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
            exists = None
        if exists:
            return f"using the database {name}"
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"created the database {name}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.database", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--fresh", action="store_true", help="drop and create it again")
    arguments = parser.parse_args(argv)
    print(ensure(arguments.url, fresh=arguments.fresh))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

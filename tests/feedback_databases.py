"""The two databases the feedback tests run on: a SQLite file, and a throwaway PostgreSQL server.

The server is Debian's (initdb and pg_ctl from /usr/lib/postgresql/*/bin, or the folder in
KB_TEST_PG_BIN), started once per test run in a temporary folder and reachable only through a unix
socket in that folder (no TCP). PostgreSQL refuses to run as root: as root (CI), the folder
belongs to the `postgres` user the Debian package creates and the server runs as that user. Each
test gets a database of its own, and logs in as `kb` with a password (scram-sha-256), so that
messages are checked for it. Without PostgreSQL the PostgreSQL tests skip and say how to install
it; in CI (CI set) they fail instead.

Import the fixtures where they are used: `from feedback_databases import database, pg_url  # noqa`.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

INSTALL = ("install it with `sudo apt-get install --no-install-recommends postgresql` and "
           "`.venv/bin/pip install -e '.[postgresql]'` (bash scripts/setup.sh --test does both, as root)")
USER = "kb"
PASSWORD = "s3cret:@/Pw%"  # characters a URL must encode: no form of it may appear in a message


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def missing(what: str) -> None:
    """Skip (a developer's machine) or fail (CI) for a missing part of PostgreSQL."""
    message = f"{what}: {INSTALL}"
    if in_ci():
        pytest.fail(f"CI runs the PostgreSQL tests, but {message}", pytrace=False)
    pytest.skip(message)


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: KB_TEST_PG_BIN, Debian's newest, or the PATH."""
    if os.environ.get("KB_TEST_PG_BIN"):
        found = [os.environ["KB_TEST_PG_BIN"]]
    else:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                       key=lambda p: [int(x) for x in Path(p).parent.name.split(".") if x.isdigit()])
        if not found and shutil.which("initdb"):
            found = [str(Path(shutil.which("initdb")).parent)]
    for folder in reversed(found):
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


class Cluster:
    """A PostgreSQL server in a temporary folder; `url(db)` logs in as kb with the password."""

    def __init__(self, bindir: Path):
        import psycopg  # the [postgresql] extra: checked by the caller

        self.psycopg = psycopg
        self.bindir = bindir
        # in /tmp: a short path for the socket, and one the postgres user can reach
        self.dir = Path(tempfile.mkdtemp(prefix="kb-pg-", dir="/tmp" if Path("/tmp").is_dir() else None))
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root: as the Debian package's user
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.dir)
                missing("running as root, and there is no `postgres` user to run the server")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else \
                ["setpriv", f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--clear-groups"]
        self.data = self.dir / "data"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--no-locale",
                  "-A", "trust", "--no-sync")
        # kb logs in with its password; the tests' administrator (postgres) without one
        (self.data / "pg_hba.conf").write_text(f"local all {USER} scram-sha-256\nlocal all all trust\n")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.dir}' -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60",
                  "-o", options, "start")
        self.port = 5432
        self._names = itertools.count(1)
        with self.admin() as conn:
            conn.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                psycopg.sql.Identifier(USER), psycopg.sql.Literal(PASSWORD)))

    def _run(self, tool: str, *args: str) -> None:
        proc = subprocess.run([*self.as_user, str(self.bindir / tool), *args], capture_output=True,
                              text=True, timeout=120)
        if proc.returncode:
            log = self.dir / "log"
            raise RuntimeError(f"{tool} failed: {proc.stderr.strip()}\n"
                               f"{log.read_text() if log.exists() else ''}")

    def admin(self, dbname: str = "postgres"):
        return self.psycopg.connect(host=str(self.dir), port=self.port, user="postgres",
                                    dbname=dbname, autocommit=True)

    def url(self, dbname: str, password: str = PASSWORD) -> str:
        return (f"postgresql://{USER}:{quote(password, safe='')}@{quote(str(self.dir), safe='')}:"
                f"{self.port}/{dbname}")

    def new_database(self) -> str:
        name = f"t{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} OWNER {USER}")
        return name

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                        "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


_cluster: list[Cluster] = []


@pytest.fixture(scope="session")
def pg_cluster() -> Cluster:
    """The test run's one server (test modules import this fixture each; the server is shared)."""
    if not _cluster:
        try:
            import psycopg  # noqa: F401 - is the [postgresql] extra installed?
        except ImportError:
            missing("psycopg, kb's [postgresql] extra, is not installed")
        bindir = bin_dir()
        if bindir is None:
            missing("PostgreSQL's server (initdb, pg_ctl) is not installed")
        _cluster.append(Cluster(bindir))
        atexit.register(_cluster[0].stop)
    return _cluster[0]


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A postgresql:// URL (with the password) of a new, empty database."""
    return pg_cluster.url(pg_cluster.new_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Path | str:
    """The --db of a new database, of each kind: a SQLite file's path, a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "feedback.sqlite3"
    return request.getfixturevalue("pg_url")


def everything_stored(db: Path | str) -> bytes:
    """All a database holds, to look for what must not be there: a SQLite file with its
    write-ahead log, or every row of a PostgreSQL database's tables as text."""
    if isinstance(db, Path):
        return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())
    import psycopg  # the [postgresql] extra, there since db is a PostgreSQL URL

    with psycopg.connect(db) as conn:
        rows = [*conn.execute("SELECT day::text, audience, type, body FROM events"),
                *conn.execute("SELECT day::text, reason, n::text FROM refused")]
    return "\n".join("\t".join(row) for row in rows).encode()

"""``python -m bench.load``: fill a PostgreSQL database, start gunicorn on it, run locust.

    python -m bench.load fill --database sg_load --children 1000000
    python -m bench.load run --database sg_load --users 50 --minutes 10
    python -m bench.load all --database sg_load --children 100000 --users 10 --minutes 2 --drop

``fill`` drops and recreates the database, migrates it, makes the demo partnership (its
people sign in) and adds the region's schools, pupils and incidents (``data``). ``run`` starts
gunicorn (``--workers``) against the database in the development posture (real Argon2, no
debug), drives it with locust for ``--minutes`` and prints p50/p95/p99, failures and
throughput per page, with the machine's load average before and after. ``--drop`` removes the
database at the end. Nothing is left in the repository: logs and CSVs go to a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}


def _url(database: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}"


def _pg(*command: str) -> None:
    subprocess.run([*command, "-h", PG["host"], "-p", PG["port"], "-U", PG["user"]], check=False)


def _django(database: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = _url(database)
    os.environ.setdefault("SAFEGUARD_ENV", "development")
    os.environ.setdefault("SAFEGUARD_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()


def fill(args: argparse.Namespace, work: Path) -> None:
    from bench.load import data

    started = time.perf_counter()
    if not args.add:
        _pg("dropdb", "--if-exists", args.database)
        _pg("createdb", args.database)
    _django(args.database, str(work))
    from django.core.management import call_command

    from safeguard.core import demo

    if not args.add:
        call_command("migrate", verbosity=0)
        print(f"migrated {time.perf_counter() - started:.0f} s", flush=True)
        demo.create_demo_partnership()
        print(f"demo partnership {time.perf_counter() - started:.0f} s", flush=True)
    counts = data.fill(
        sizes=data.Sizes(children=args.children, schools=args.schools, years=args.years)
    )
    people = data.add_people(per_role=args.people_per_role)
    Path(args.sign_ins).write_text(json.dumps(people))
    print(f"filled in {time.perf_counter() - started:.0f} s: {counts}", flush=True)


def _loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our loopback)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def run(args: argparse.Namespace, work: Path) -> int:
    from safeguard.core import demo

    env = {
        **os.environ,
        "DATABASE_URL": _url(args.database),
        "SAFEGUARD_ENV": "development",
        "SAFEGUARD_VAR_DIR": str(work),
        "SAFEGUARD_DEMO": "0",
        "LOAD_SIGN_INS": str(Path(args.sign_ins).resolve()),
        "LOAD_PASSWORD": demo.PASSWORD,
        "PYTHONPATH": str(HERE.parent.parent),
        "LOAD_TIMES": str(work / "times.json"),
    }
    address = f"127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "safeguard.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            address,
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=open(work / "access.log", "w"),  # noqa: SIM115 (closed with the process)
        stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    try:
        _wait_for(f"http://{address}/sign-in", 60)
        print(f"load average before: {_loadavg()}", flush=True)
        prefix = work / "locust"
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(1, args.users // 10)),
                "--run-time",
                f"{args.minutes}m",
                "--host",
                f"http://{address}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
        )
        print(f"load average after: {_loadavg()}", flush=True)
        return report(Path(f"{prefix}_stats.csv"), args, times=work / "times.json")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        errors = (work / "gunicorn.log").read_text()[-3000:]
        if errors.strip():
            print("gunicorn's log (last lines):\n" + errors)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(stats: Path, args: argparse.Namespace, *, times: Path | None = None) -> int:
    """Per page: requests, failures, p50/p95/p99 (ms) and requests/s, worst p95 first; then
    the pages together without the sign-in (whose Argon2 cost is deliberate)."""
    rows = list(csv.DictReader(stats.open()))
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages.sort(key=lambda r: -float(r["95%"] or 0))
    print(
        f"\n{args.users} users, {args.minutes} min, {args.workers} gunicorn workers, "
        f"database {args.database}"
    )
    print(f"{'page':52} {'reqs':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>6}")
    for r in [*pages, total]:
        print(
            f"{r['Type'] + ' ' + r['Name'] if r['Type'] else r['Name']:52.52} "
            f"{r['Request Count']:>6} {r['Failure Count']:>5} {r['50%']:>6} {r['95%']:>6} "
            f"{r['99%']:>6} {float(r['Requests/s']):>6.2f}"
        )
    if times is not None and times.exists():
        every = json.loads(times.read_text())
        pages_only = [t for name, t, _ in every if "/sign-in" not in name]
        failed = sum(1 for _, _, bad in every if bad)
        print(
            f"pages without the sign-in: {len(pages_only)} requests, p50 "
            f"{_percentile(pages_only, 0.50):.0f} ms, p95 {_percentile(pages_only, 0.95):.0f} ms,"
            f" p99 {_percentile(pages_only, 0.99):.0f} ms; failures (all requests) {failed};"
            f" {len(every) / (args.minutes * 60):.2f} requests/s"
        )
    failures = stats.with_name(stats.name.replace("_stats", "_failures"))
    if failures.exists():
        for r in csv.DictReader(failures.open()):
            print(f"failure: {r['Method']} {r['Name']}: {r['Error'][:120]} x{r['Occurrences']}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("command", choices=["fill", "run", "all", "drop"])
    parser.add_argument("--database", default="sg_load")
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--people-per-role", type=int, default=4)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8718)
    parser.add_argument("--sign-ins", default=str(Path(tempfile.gettempdir()) / "sg_load.json"))
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--add",
        action="store_true",
        help="fill: add --children more pupils (and their incidents) to the database as it is",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="safeguard-load-"))
    try:
        if args.command == "drop":
            _pg("dropdb", "--if-exists", args.database)
            return 0
        if args.command in {"fill", "all"}:
            fill(args, work)
        if args.command in {"run", "all"}:
            if "django" not in sys.modules or not os.environ.get("DATABASE_URL"):
                _django(args.database, str(work))
            return run(args, work)
        return 0
    finally:
        if args.drop:
            from django.db import connections

            connections.close_all()
            _pg("dropdb", "--if-exists", args.database)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

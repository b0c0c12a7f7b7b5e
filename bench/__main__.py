"""`python -m bench --size force`: load a synthetic dataset into its own database and measure.

The database is `tideline_bench_<size>` on the local PostgreSQL (override with
TIDELINE_BENCH_DATABASE_URL). It is created and migrated if missing and filled once with
`generate_dataset`; later runs reuse it. Measurements that write (risk scan, import) roll back,
so every run starts from the same data. Prints one table and writes bench/results/latest.json
(and bench/results/<size>.json).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _environment(size: str) -> str:
    url = (
        os.environ.get("TIDELINE_BENCH_DATABASE_URL")
        or f"postgres://postgres@127.0.0.1:5432/tideline_bench_{size}"
    )
    os.environ["DATABASE_URL"] = url
    # Production-like: DEBUG off (no query log kept), jobs in-process, plain HTTP on loopback.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ["DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ["ALLOWED_HOSTS"] = "localhost,127.0.0.1,testserver"
    os.environ["TIDELINE_SECURE_COOKIES"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    # Packs rendered by the benchmark go to a scratch directory, removed at the end.
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="tideline-bench-media-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return url


def _create_database(url: str) -> None:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

    config = dj_database_url.parse(url)
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"bench: created database {config['NAME']}", flush=True)
    admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["demo", "force", "national"], default="force")
    parser.add_argument("--requests", type=int, default=60, help="single-user requests per page (default 60)")
    parser.add_argument(
        "--load-seconds", type=float, default=8.0, help="concurrent load per page (default 8 s)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="load generator threads (default 8)")
    parser.add_argument("--skip-load", action="store_true", help="no gunicorn load test")
    parser.add_argument("--skip-packs", action="store_true", help="no meeting pack rendering")
    args = parser.parse_args(argv)

    url = _environment(args.size)
    sys.path.insert(0, str(ROOT))
    _create_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from bench import dataset, measure, report

    call_command("migrate", verbosity=0)
    if not dataset.existing_areas():
        print(f"bench: generating the {args.size} dataset (once; later runs reuse it)", flush=True)
        started = time.monotonic()
        call_command("generate_dataset", size=args.size)
        load_seconds = time.monotonic() - started
    else:
        print(f"bench: reusing the {args.size} dataset in {url.rsplit('/', 1)[-1]}", flush=True)
        load_seconds = None
    results = measure.run(
        size=args.size,
        requests=args.requests,
        load_seconds=0 if args.skip_load else args.load_seconds,
        concurrency=args.concurrency,
        with_packs=not args.skip_packs,
    )
    if load_seconds is not None:
        results["dataset"]["load_seconds"] = round(load_seconds, 1)
    print(report.table(results))
    written = report.write(results, ROOT / "bench" / "results")
    print(f"bench: wrote {', '.join(str(p.relative_to(ROOT)) for p in written)}")
    shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

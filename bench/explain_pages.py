"""EXPLAIN (ANALYZE, BUFFERS) of every query of a page, as the executor of bench/compare.py sees it.

    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/explain_pages.py \
        --platform-db compare_platform_1m [--path /staff/] [--path /staff/appeals/<number>/]

The page is requested once to warm the caches, then once more with the queries captured; each
query is then explained (read-only: EXPLAIN ANALYZE runs SELECTs; other statements are shown, not
run). `--path similar` is a random appeal page of the executor's organization.
"""

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--platform-db", default="compare_platform_1m")
    parser.add_argument("--path", action="append")
    parser.add_argument("--min-ms", type=float, default=0.0, help="print plans of slower ones only")
    parser.add_argument("--user", default="bench-compare-executor@bench.local")
    parser.add_argument(
        "--cold", action="store_true", help="bump the roll-up version before the measured request"
    )
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("bench_filing", ROOT / "bench" / "filing.py")
    base = importlib.util.module_from_spec(spec)
    sys.modules["bench_filing"] = base
    spec.loader.exec_module(base)
    env = base.server_env(0, ROOT / ".data" / "compare-static", ROOT / ".data" / "compare-media")
    env["DATABASE_URL"] = urlsplit(args.pg)._replace(path="/" + args.platform_db).geturl()
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedback_platform.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from appeals.models import Appeal
    from organizations.models import Membership

    executor = User.objects.get(email=args.user)
    membership = Membership.objects.filter(user=executor, organization__isnull=False).first()
    org = membership.organization_id if membership else None
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", secure=True)
    client.force_login(executor)
    for path in args.path or ["/staff/", "similar"]:
        if path == "similar":
            number = (
                Appeal.objects.filter(organization_id=org).order_by("?").values_list("number")[0][0]
            )
            path = f"/staff/appeals/{number}/"
        assert client.get(path).status_code == 200
        if args.cold:
            from django.db.models import F

            from analytics.models import RollupState

            RollupState.objects.update(version=F("version") + 1)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        print(f"\n##### {path}: {len(captured)} queries")
        for n, query in enumerate(captured.captured_queries, 1):
            sql = query["sql"]
            print(f"\n--- {n}. ({query['time']} s) {sql[:600]}")
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            took = float(plan[-1].split()[-2]) if "Execution Time" in plan[-1] else 0.0
            if took >= args.min_ms:
                print("\n".join(plan))
            else:
                print(plan[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

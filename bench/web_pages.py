"""Each page of the web app in process (no network), on a database of 30,000 people: median and first time.

    python bench/gen_contacts.py --out /tmp/tieline-bench
    tieline --db /tmp/tieline-bench/web.db import /tmp/tieline-bench/Connections.csv
    nice -n 10 python bench/web_pages.py /tmp/tieline-bench/web.db [--runs 5]

The people list and a person must stay fast however large the network (they page through the database);
the dashboard's figures are kept until the data change (web/derived.py), so its first time is the cost of
the health report, the due list and the chart, and the median what a reload costs. bench/web_load.py
measures the real server under 50 concurrent clients.
"""

from __future__ import annotations

import argparse
import statistics
import time

from fastapi.testclient import TestClient

from tieline.web.app import create_app

PAGES = (
    "/people",
    "/people?page=300",
    "/people?sort=strength&page=200",
    "/people?sort=last&page=500",
    "/people?q=ada",
    "/people?org=goo",
    "/people?layer=support",
    "/people/15000",
    "/api/v1/people?offset=20000",
    "/",
    "/chart.svg",
    "/due",
    "/review",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file (or a database URL) holding the network")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    app = create_app(url, allowed_hosts=["testserver"], login_token="bench")
    client = TestClient(app)
    client.get("/login?token=bench")
    print(f"{'page':36s} {'median':>10s} {'first':>10s}")
    for path in PAGES:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        print(f"{path:36s} {statistics.median(times) * 1000:8.1f} ms {times[0] * 1000:8.1f} ms")
    app.state.stores.close()


if __name__ == "__main__":
    main()

"""The load benchmark (issue 18 point 5): PostgreSQL with a region's records, gunicorn, locust.

``python -m bench.load run --children 1000000 --users 50 --minutes 10`` fills a database
(``data``), starts gunicorn against it (``runner``) and drives it with locust
(``locustfile``), then prints p50/p95/p99, errors and throughput per page. See bench/README.md.
"""

"""``make bench``: run every benchmark and print its figures (medians of several runs).

Each benchmark is a module here with a ``run() -> list[str]`` that prints nothing itself and
returns lines of results. Name benchmarks on the command line to run only those:
``python -m bench audit_chain``. Two run only by name, being long: ``census_import`` (a
50,000-child CIN census through the DfE validators, about an hour) and ``learning_search``.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time

BENCHMARKS = [
    "audit_chain",
    "linkage",
    "census",
    "scorecard",
    "action_plan",
    "domestic_abuse",
    "training",
    "measures",
    "annual_report",
    "exploitation",
    "meetings",
    "assurance",
]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    with tempfile.TemporaryDirectory(prefix="safeguard-bench-") as tmp:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        os.environ.setdefault("SAFEGUARD_VAR_DIR", tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        for name in names:
            module = importlib.import_module(f"bench.{name}")
            started = time.perf_counter()
            print(f"== {name}")
            for line in module.run():
                print(f"   {line}")
            print(f"   (benchmark took {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

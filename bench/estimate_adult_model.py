"""Train the adults' Splink model (``domestic_abuse.adult_model.PARAMETERS``) on synthetic adults.

``python -m bench.estimate_adult_model`` prints the parameters as a Python dict to paste into
``adult_model.PARAMETERS``. The training adults are ``synthetic_adults.generate`` with seed
2024 (``SEED``), never the benchmark's seed 12, so the benchmark measures adults the model has
not seen. No labels are used, as with a partnership's own records:

- u by random sampling of pairs (Splink's ``estimate_u_using_random_sampling``): almost every
  random pair is two different people;
- m by expectation maximisation (``estimate_parameters_using_expectation_maximisation``) in two
  sessions: blocked on the date of birth (which trains names, postcode and gender), then on both
  names (which trains the date of birth, postcode and gender).

Floors: m at least ``M_FLOOR`` (real records have errors the training set does not show, and
no single disagreement should veto a match), u at least ``U_FLOOR``.
"""

from __future__ import annotations

import logging
import os
import pprint
import sys
import time
from typing import Any

import duckdb

from bench import synthetic_adults

SEED = 2024
INCIDENTS = int(os.environ.get("SAFEGUARD_TRAIN_DA_INCIDENTS", "30000"))
M_FLOOR = 0.001
U_FLOOR = 0.0000001
EM_RULES = (
    "l.dob = r.dob",
    "l.forename_canonical = r.forename_canonical AND l.surname = r.surname",
)


def _probability(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 1 else None


def estimate(incidents: int = INCIDENTS) -> dict[str, dict[str, tuple[float, float]]]:
    from splink import DuckDBAPI, Linker

    from safeguard.domestic_abuse import adult_model, linkage

    made = synthetic_adults.generate(incidents=incidents, days=365 * 3, seed=SEED)
    records = [r for one in made for r in (one.victim, one.perpetrator)]
    adults = [
        linkage.Adult(n, r.forename, r.surname, r.dob, r.postcode, r.gender)
        for n, r in enumerate(records)
    ]
    connection = duckdb.connect(":memory:")
    logging.getLogger("splink").setLevel(logging.ERROR)
    try:
        connection.register("adults_arrow", linkage.adults_table(adults))
        connection.execute("CREATE TABLE adults AS SELECT * FROM adults_arrow")
        db_api = DuckDBAPI(connection)
        linker = Linker(
            [db_api.register("adults", table_name="da_adults")],
            adult_model.splink_settings(),
            log_level=logging.ERROR,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
        for rule in EM_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        settings = linker.misc.save_model_to_json()
    finally:
        connection.close()
    trained: dict[str, dict[str, tuple[float, float]]] = {}
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level["label_for_charts"]
            before_m, before_u = adult_model.PARAMETERS[name][label]
            m = _probability(level.get("m_probability"))
            u = _probability(level.get("u_probability"))
            trained.setdefault(name, {})[label] = (
                round(max(m if m is not None else before_m, M_FLOOR), 4),
                float(f"{max(u if u is not None else before_u, U_FLOOR):.3g}"),
            )
    return trained


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    started = time.perf_counter()
    trained = estimate()
    print(f"# {INCIDENTS:,} incidents, seed {SEED}, {time.perf_counter() - started:.0f} s")
    pprint.pprint(trained, sort_dicts=False, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main())

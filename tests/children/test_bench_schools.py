"""The held-out generator's schools (ADR 0016): households share schools, each way of recording
a school keeps its documented share, a wrong school is never the pupil's own; and the linkage
benchmark runs by name, with and without the school."""

from __future__ import annotations

from collections import Counter

import pytest
from bench import linkage as linkage_bench
from bench import police_records


def test_households_share_schools_and_the_school_is_recorded_at_its_rates() -> None:
    pupils = police_records.roll(20_000)
    by_upn = {p.key: p for p in pupils}
    schools = police_records.roll_schools(pupils)
    assert 50 < len(schools) < 120  # about 230 pupils a primary, 950 a secondary
    homes: dict[tuple[str, str, str], set[str]] = {}
    for pupil in pupils:
        phase = "secondary" if police_records._age(pupil.dob) >= 11 else "primary"
        homes.setdefault((pupil.surname, pupil.postcode, phase), set()).add(pupil.school_urn)
    assert all(len(urns) == 1 for urns in homes.values())
    found = police_records.household_incidents(pupils, 3_000)
    on_roll = [c for c in found.children if found.truth[c.key]]
    counts = Counter(found.school_kind[c.key] for c in on_roll)
    for kind, share in police_records.SCHOOL_RECORDING.items():
        assert abs(counts[kind] / len(on_roll) - share) < 0.03, kind
    for child in on_roll:
        pupil, kind = by_upn[found.truth[child.key]], found.school_kind[child.key]
        if kind in ("urn_and_name", "urn_only"):
            assert child.school_urn == pupil.school_urn
        if kind in ("previous_school", "mistyped_urn"):
            assert child.school_urn != pupil.school_urn
            assert child.school_name != pupil.school_name or not child.school_name
        if kind == "blank":
            assert not child.school_urn and not child.school_name
    strangers = [c for c in found.children if not found.truth[c.key]]
    assert {found.school_kind[c.key] for c in strangers} <= set(police_records.STRANGER_SCHOOL)


def test_the_linkage_benchmark_runs_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEGUARD_BENCH_LINKAGE_SIZES", "3000")
    monkeypatch.setattr(linkage_bench, "CHILDREN", 150)
    monkeypatch.setattr(linkage_bench, "REPEATS", 1)
    lines = linkage_bench.run()
    summaries = [line for line in lines if line.startswith("roll ") and "end to end" in line]
    assert len(summaries) == 4
    # The roll's one-off preparation (ADR 0027) is timed apart from each day's matching.
    assert sum("one-off preparation" in line for line in lines) == 1
    assert sum("with the school recorded" in line for line in summaries) == 2
    assert any("by how the police recorded the school" in line for line in lines)
    assert any(line.strip().startswith("previous_school") for line in lines)
    # Reading the files and matching are timed apart, with the machine's load.
    timed = [line for line in lines if "loading the prepared roll" in line]
    assert len(timed) == 4 and all("matching:" in t and "load average" in t for t in timed)

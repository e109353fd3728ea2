"""The benchmark's incidents of whole households keep the error shares and what families share."""

from __future__ import annotations

from collections import Counter

from bench import police_records


def test_households_keep_each_error_types_share_and_share_what_families_share() -> None:
    pupils = police_records.roll(20_000)
    by_upn = {p.key: p for p in pupils}
    found = police_records.household_incidents(pupils, 3_000)
    assert len(found.children) == 3_000
    on_roll = [c for c in found.children if found.truth[c.key]]
    counts = Counter(found.error_type[c.key] for c in on_roll)
    for error, share in police_records.ERROR_TYPES.items():
        # The same shares as children drawn alone, within sampling error (3,000 children).
        assert abs(counts[error] / len(on_roll) - share) < 0.03, error
    incidents: dict[str, list[police_records.Record]] = {}
    for child in found.children:
        incidents.setdefault(found.incident[child.key], []).append(child)
    assert any(len(children) > 1 for children in incidents.values())
    for children in incidents.values():
        kinds = [found.error_type[c.key] for c in children]
        if "surname_and_postcode_changed" not in kinds:
            continue
        # A family that moved is recorded at one new address (unless a postcode was left out).
        postcodes = {
            c.postcode.replace(" ", "").upper()
            for c in children
            if c.postcode and found.error_type[c.key] != police_records.NOT_ON_ROLL
        }
        assert len(postcodes) == 1
        changed = {c.surname for c, k in zip(children, kinds, strict=True) if k == kinds[0]}
        if kinds[0] == "surname_and_postcode_changed":
            assert len(changed) == 1
        for child, kind in zip(children, kinds, strict=True):
            if kind == "surname_and_postcode_changed":
                assert child.surname != by_upn[found.truth[child.key]].surname
    for children in incidents.values():
        on = [by_upn[found.truth[c.key]].forename for c in children if found.truth[c.key]]
        off = [c.forename for c in children if not found.truth[c.key]]
        if on:
            assert not set(on) & set(off)

"""Linking adults across incidents: the rules, decisions, and Hypothesis properties."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from safeguard.domestic_abuse.linkage import Adult, Decision, jaro_winkler, link, same_person

DOB = date(1990, 4, 17)


def test_jaro_winkler_known_values():
    # Winkler's published examples.
    assert round(jaro_winkler("martha", "marhta"), 3) == 0.961
    assert round(jaro_winkler("dwayne", "duane"), 2) == 0.84
    assert jaro_winkler("", "x") == 0.0
    assert jaro_winkler("abc", "abc") == 1.0


def test_a_misspelt_victim_with_the_same_date_of_birth_is_one_person():
    assert same_person(Adult(1, "Joanne", "Bloggs", DOB), Adult(2, "Joanne", "Blogs", DOB))
    assert same_person(Adult(1, "Katherine", "Smith", DOB), Adult(2, "Kathrine", "Smith", DOB))
    # Forename and surname the wrong way round.
    assert same_person(Adult(1, "Bloggs", "Joanne", DOB), Adult(2, "Joanne", "Bloggs", DOB))


def test_different_people_stay_apart():
    assert not same_person(Adult(1, "Joanne", "Bloggs", DOB), Adult(2, "Mark", "Bloggs", DOB))
    assert not same_person(
        Adult(1, "Joanne", "Bloggs", DOB), Adult(2, "Joanne", "Bloggs", date(1991, 4, 17))
    )


def test_day_and_month_transposed_need_exact_names():
    assert same_person(
        Adult(1, "Joanne", "Bloggs", date(1990, 4, 7)),
        Adult(2, "Joanne", "Bloggs", date(1990, 7, 4)),
    )
    assert not same_person(
        Adult(1, "Joanne", "Blogs", date(1990, 4, 7)),
        Adult(2, "Joanne", "Bloggs", date(1990, 7, 4)),
    )


def test_no_date_of_birth_needs_exact_names_and_the_same_district():
    assert same_person(
        Adult(1, "Joanne", "Bloggs", None, "WM1 2AB"), Adult(2, "Joanne", "Bloggs", DOB, "WM1 9ZZ")
    )
    assert not same_person(
        Adult(1, "Joanne", "Bloggs", None, "WM1 2AB"), Adult(2, "Joanne", "Bloggs", DOB, "WM2 2AB")
    )


def test_links_are_transitive_and_a_split_holds_against_a_chain():
    rows = [
        Adult(1, "Joanne", "Bloggs", DOB),
        Adult(2, "Joanne", "Blogs", DOB),
        Adult(3, "Joanne", "Bloggs", DOB),
    ]
    groups = link(rows)
    assert len(set(groups.values())) == 1
    split = link(rows, [Decision(1, 2, same=False)])
    assert split[1] != split[2]
    confirmed = link(
        [Adult(1, "Joanne", "Bloggs", DOB), Adult(2, "Jane", "Doe", None)], [Decision(1, 2, True)]
    )
    assert confirmed[1] == confirmed[2] == 1


names = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
adults = st.lists(
    st.builds(
        lambda i, f, s, d: (i, f, s, d),
        st.integers(),
        names,
        names,
        st.sampled_from([None, DOB, date(1985, 1, 2), date(1985, 2, 1)]),
    ),
    max_size=12,
)


@given(adults)
def test_link_agrees_with_the_pairwise_rule_and_is_order_free(raw):
    rows = [Adult(i + 1, f, s, d) for i, (_, f, s, d) in enumerate(raw)]
    groups = link(rows)
    assert groups == link(list(reversed(rows)))
    for a in rows:
        for b in rows:
            if same_person(a, b):
                assert groups[a.id] == groups[b.id]
        assert groups[a.id] <= a.id


@given(adults, st.data())
def test_a_split_pair_is_never_joined(raw, data):
    rows = [Adult(i + 1, f, s, d) for i, (_, f, s, d) in enumerate(raw)]
    if len(rows) < 2:
        return
    left = data.draw(st.sampled_from(rows)).id
    right = data.draw(st.sampled_from([r for r in rows if r.id != left])).id
    groups = link(rows, [Decision(left, right, same=False)])
    assert groups[left] != groups[right]

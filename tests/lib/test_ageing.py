"""Plain pytest for lib/ageing.py."""

import pytest

from odoo.addons.kundekartotek.lib import ageing


@pytest.mark.parametrize(
    ("days", "key"),
    [
        (-5, "not_due"),
        (-1, "not_due"),  # due tomorrow
        (0, "not_due"),  # due today
        (1, "b1"),  # due yesterday
        (30, "b1"),
        (31, "b2"),
        (60, "b2"),
        (61, "b3"),
        (90, "b3"),
        (91, "b4"),
        (5000, "b4"),
    ],
)
def test_default_buckets(days, key):
    assert ageing.bucket_for(days) == key


@pytest.mark.parametrize(
    ("days", "key"),
    [(0, "not_due"), (1, "b1"), (14, "b1"), (15, "b2"), (30, "b2"), (31, "b3"), (45, "b3"), (46, "b4")],
)
def test_custom_edges(days, key):
    assert ageing.bucket_for(days, "14,30,45") == key


def test_custom_edges_and_labels():
    labels = [bucket.label for bucket in ageing.buckets("14, 30, 45")]
    assert labels == ["Not due", "1–14", "15–30", "31–45", "Over 45"]
    assert ageing.bucket_for(15, (14, 30, 45)) == "b2"


def test_every_day_count_falls_in_exactly_one_bucket():
    for edges in (None, "1,2,3", "14,30,45"):
        for days in range(-400, 400):
            assert sum(bucket.contains(days) for bucket in ageing.buckets(edges)) == 1, (edges, days)


def test_conditions_are_the_inclusive_bounds_the_sql_is_built_from():
    # The ageing view turns exactly these comparisons into its CASE expressions (``days >= 1 AND days <= 30``).
    assert [bucket.conditions() for bucket in ageing.buckets()] == [
        (("<=", 0),),
        ((">=", 1), ("<=", 30)),
        ((">=", 31), ("<=", 60)),
        ((">=", 61), ("<=", 90)),
        ((">=", 91),),
    ]


@pytest.mark.parametrize("edges", ["30,20,90", "0,30,60", "30,60", "a,b,c", "30,30,60"])
def test_bad_edges_are_refused(edges):
    with pytest.raises(ValueError):
        ageing.parse_edges(edges)

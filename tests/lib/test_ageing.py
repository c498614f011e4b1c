"""Plain pytest for lib/ageing.py."""

import pytest

from odoo.addons.kundekartotek.lib import ageing


@pytest.mark.parametrize(
    ("days", "key"),
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "b1"),
        (30, "b1"),
        (31, "b2"),
        (60, "b2"),
        (61, "b3"),
        (90, "b3"),
        (91, "b4"),
    ],
)
def test_default_buckets(days, key):
    assert ageing.bucket_for(days) == key


def test_custom_edges_and_labels():
    labels = [bucket.label for bucket in ageing.buckets("14, 30, 45")]
    assert labels == ["Not due", "1–14", "15–30", "31–45", "Over 45"]
    assert ageing.bucket_for(15, (14, 30, 45)) == "b2"


@pytest.mark.parametrize("edges", ["30,20,90", "0,30,60", "30,60", "a,b,c", "30,30,60"])
def test_bad_edges_are_refused(edges):
    with pytest.raises(ValueError):
        ageing.parse_edges(edges)

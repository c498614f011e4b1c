"""Ageing buckets (aldersfordeling): pure arithmetic shared by the SQL report, the XLSX and PDF, and the tests.

A bucket is a range of days overdue, written as comparisons (``days >= 1``, ``days <= 30``). The same comparisons
decide ``bucket_for`` here and are turned into the SQL ``CASE`` expressions of the ageing view
(``kundekartotek.ageing.report``), so the report and the rule cannot disagree on an edge.
"""

import operator
from dataclasses import dataclass

DEFAULT_EDGES = (30, 60, 90)

# The comparisons a bucket is made of, by the operator written in SQL. Only these two exist: bounds are inclusive.
COMPARISONS = {">=": operator.ge, "<=": operator.le}


@dataclass(frozen=True)
class Bucket:
    key: str
    first_day: int | None  # days overdue, inclusive; None = no lower bound (not due)
    last_day: int | None  # inclusive; None = open-ended

    @property
    def label(self):
        if self.first_day is None:
            return "Not due"
        if self.last_day is None:
            return f"Over {self.first_day - 1}"
        return f"{self.first_day}–{self.last_day}"

    def conditions(self):
        """The bucket as ``(operator, days)`` comparisons on the days overdue, all of which must hold."""
        result = []
        if self.first_day is not None:
            result.append((">=", self.first_day))
        if self.last_day is not None:
            result.append(("<=", self.last_day))
        return tuple(result)

    def contains(self, days_overdue):
        """Whether an item ``days_overdue`` days past due belongs here, by the same comparisons the SQL makes."""
        return all(COMPARISONS[op](days_overdue, days) for op, days in self.conditions())


def parse_edges(edges=None):
    """Three increasing positive day counts; ``"30,60,90"`` or a sequence. Raises ValueError when they are not."""
    if edges is None or edges == "":
        return DEFAULT_EDGES
    if isinstance(edges, str):
        edges = [part.strip() for part in edges.split(",") if part.strip()]
    try:
        values = tuple(int(edge) for edge in edges)
    except (TypeError, ValueError) as error:
        raise ValueError("edges must be whole numbers of days") from error
    if len(values) != 3 or values[0] < 1 or list(values) != sorted(set(values)):
        raise ValueError("edges must be three increasing whole numbers of days, such as 30,60,90")
    return values


def buckets(edges=None):
    """The five buckets: not due (due today or later), three closed ranges and one open range."""
    first, second, third = parse_edges(edges)
    return (
        Bucket("not_due", None, 0),
        Bucket("b1", 1, first),
        Bucket("b2", first + 1, second),
        Bucket("b3", second + 1, third),
        Bucket("b4", third + 1, None),
    )


def bucket_for(days_overdue, edges=None):
    """The key of the bucket for an item ``days_overdue`` days past due (0 or negative = not due)."""
    for bucket in buckets(edges):
        if bucket.contains(days_overdue):
            return bucket.key
    raise AssertionError("buckets cover every day count")

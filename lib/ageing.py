"""Ageing buckets (aldersfordeling): pure arithmetic shared by the SQL report, the XLSX and PDF, and the tests."""

from dataclasses import dataclass

DEFAULT_EDGES = (30, 60, 90)


@dataclass(frozen=True)
class Bucket:
    key: str
    first_day: int  # days overdue, inclusive; None = not due
    last_day: int  # inclusive; None = open-ended

    @property
    def label(self):
        if self.first_day is None:
            return "Not due"
        if self.last_day is None:
            return f"Over {self.first_day - 1}"
        return f"{self.first_day}–{self.last_day}"


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
    """The five buckets: not due, three closed ranges and one open range."""
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
        if bucket.first_day is None:
            if days_overdue <= 0:
                return bucket.key
        elif days_overdue >= bucket.first_day and (bucket.last_day is None or days_overdue <= bucket.last_day):
            return bucket.key
    raise AssertionError("buckets cover every day count")

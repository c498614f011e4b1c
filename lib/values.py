"""What a value sent by a caller is, before the ORM converts it. Pure Python.

XML-RPC and JSON-RPC callers send any type in any field: the module reads a value itself only when it is of the
kind the web client sends, and otherwise leaves it to the ORM's conversion (and the input guard's errors).
"""


def is_int(value):
    """An integer that is not a boolean (``True`` is an ``int`` in Python): an id, a count."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    """An integer or a float that is not a boolean: an amount, a percentage."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_text_or_empty(value):
    """Text, or no value at all (``None``, ``False``): a value the module can read as the web client sends it."""
    return value is None or value is False or isinstance(value, str)

# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Flags that the module's own code sets for the length of a block, in the transaction's data.

An RPC caller controls the whole context, so a context key must never switch a check off. The cursor's
``precommit.data`` is out of a caller's reach and is cleared when the transaction ends: a flag set there by the
module's code is a promise nobody else can make.
"""

from contextlib import contextmanager


@contextmanager
def transaction_flag(env, key):
    """Set flag ``key`` for the code inside this block (nested blocks keep it set until the outer one ends)."""
    data = env.cr.precommit.data
    previous = data.get(key)
    data[key] = True
    try:
        yield
    finally:
        if previous:
            data[key] = previous
        else:
            data.pop(key, None)


def flag_is_set(env, key):
    return bool(env.cr.precommit.data.get(key))

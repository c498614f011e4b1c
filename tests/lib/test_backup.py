"""Plain pytest for lib/backup.py's pruning: no database, no Odoo environment."""

import os

import pytest

from odoo.addons.kundekartotek.lib import backup


def _touch(directory, *names):
    for name in names:
        (directory / name).write_bytes(b"x")


@pytest.mark.parametrize(("archives", "keep", "deleted"), [(3, 3, 0), (4, 3, 1), (2, 3, 0), (5, 1, 4)])
def test_prune_keeps_the_newest(tmp_path, archives, keep, deleted):
    names = [f"kk-2026120{day}-010000.tar" for day in range(1, archives + 1)]
    _touch(tmp_path, *names)
    assert backup.prune(str(tmp_path), "kk", keep) == names[:deleted]
    assert sorted(os.listdir(tmp_path)) == names[deleted:]


def test_prune_touches_only_this_databases_archives(tmp_path):
    mine = ["kk-20261201-010000.tar", "kk-20261202-010000.tar"]
    others = ["kk_other-20261201-010000.tar", "kk-20261203-010000.tar.partial", "notes.txt", "kk-latest.tar"]
    _touch(tmp_path, *mine, *others)
    assert backup.prune(str(tmp_path), "kk", 1) == mine[:1]
    assert sorted(os.listdir(tmp_path)) == sorted([*mine[1:], *others])


def test_prune_refuses_to_keep_nothing(tmp_path):
    with pytest.raises(ValueError):
        backup.prune(str(tmp_path), "kk", 0)

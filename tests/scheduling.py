"""Hands the slowest test files to the pytest-xdist workers first (`--dist loadfile`).

xdist hands out whole files, those with the most tests first, so a file with one long test
(the benchmark's smoke run, about 90 s) went last and ran alone while the other worker
idled. Longest first is the classic remedy for uneven jobs on a few workers.
"""

from __future__ import annotations

from typing import Any, Sequence

from xdist.scheduler import LoadFileScheduling

# The files that take longest in each tier, longest first (`./bot/test.sh -m "e2e or browser"
# -n 2 --dist loadfile --durations=40`, and the same for the unit tier, 2026-12-01). A file
# not listed keeps xdist's order after these.
SLOWEST_FILES: Sequence[str] = (
    # end-to-end: servers of their own, started and stopped
    "tests/test_faults.py",
    "tests/test_answer_quality.py",
    "tests/test_launcher.py",
    "tests/test_bench.py",
    "tests/test_safety_e2e.py",
    "tests/test_dialogues_dev.py",
    "tests/test_conversations.py",
    "tests/test_rate_limits.py",
    # unit: a model trained, thousands of messages judged, cross-validation
    "tests/test_safety_set.py",
    "tests/test_premises.py",
    "tests/test_composer.py",
    "tests/test_retrieval.py",
    "tests/test_signoff.py",
)


class SlowestFilesFirst(LoadFileScheduling):
    _reordered = False

    def _assign_work_unit(self, node: Any) -> None:
        # The first hand-out comes right after xdist has queued every file: reorder it then.
        if not self._reordered:
            for path in reversed(SLOWEST_FILES):
                if path in self.workqueue:
                    self.workqueue.move_to_end(path, last=False)
            self._reordered = True
        super()._assign_work_unit(node)

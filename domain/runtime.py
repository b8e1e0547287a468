"""Process-wide settings that only entry points apply: ``sotay``, ``sotay-server`` and the
benchmarks that stand in for them.  Library code never changes them behind its caller's back.
"""

from __future__ import annotations

import gc

#: The cyclic collector's thresholds.  A 100k-record store, a report over 10k tasks or a
#: 5,000-op push keeps ~10^6 objects alive; at the default (700 allocations) the collector
#: walks them all again and again.  Measured on the 10k-task report: 2.0 s at the default,
#: 0.76 s with these (bench/reports.py).
THRESHOLDS = (100_000, 50, 100)


def tune_collector() -> None:
    """Collect rarely: what this program allocates mostly lives as long as the process."""
    gc.set_threshold(*THRESHOLDS)

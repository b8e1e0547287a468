"""The demo data set is frozen: its records, serialised, match tests/domain/demo_records.json.

The file was written from the demo as it was (Python literals in domain/demo.py) before the
records moved to data files; any change to the demo is a deliberate edit of both.
"""

from __future__ import annotations

import json
from pathlib import Path

from domain.demo import records

FROZEN = Path(__file__).with_name("demo_records.json")


def serialised() -> str:
    return json.dumps(list(records()), ensure_ascii=False, indent=1) + "\n"


def test_the_demo_records_are_unchanged_byte_for_byte() -> None:
    assert serialised() == FROZEN.read_text("utf-8")

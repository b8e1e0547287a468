"""The demo data set, built from the five reports in ../shared/seeds.

Three offices: the Ủy ban Dân tộc secretariat (``vn/ubdt``: the 2014 Tổ Thư ký of 27 members
formed by 239/QĐ-BCĐ, of whom the seed names only its head, its 2015 IT plan, Công văn
878/UBDT-TTTT of 08/10/2012 and the duties it gives each unit, Kế hoạch 1772/KH-BCĐ and the
quý II/2022 steering meeting with the minister's conclusions), the Bộ TT&TT executive board
(``vn/btttt``: its 31/03/2010 meeting on the 2010 work programme) and Bắc Giang
(``vn/bac-giang``: the 04/08/2011 conference, the first-half 2011 indicators, the
second-half tasks and the draft 2012 targets). HQ (``vn``) has one record of its own: its
issuing body, the national Ban Điều hành, so that HQ's documents carry no office's
letterhead. The issuing bodies carry their ký hiệu, place and signers as the seeds give them
(BĐH, BCĐ of 239/QĐ-BCĐ and 1772/KH-BCĐ; Hà Nội for the Ban Điều hành, whose meeting the
seed places there; the heads the seeds name, and Nguyễn Ngọc Hà as Tổ trưởng Tổ Thư ký, TL.,
for the committee whose head the seed does not name).

Every fact comes from a seed: each record's ``source`` names the seed file and the
sentences it comes from (tests/domain/test_demo_trace.py checks that every number and date
of the record is in them, or in ``derived`` with the seed's own words for it: 14/06/2011,
the cut-off of the first-half report, for "Trong sáu tháng đầu năm 2011").  Where a seed
gives no deadline, progress or target, the record has none (Công văn 878's duties are
"Thường xuyên", the Ban Điều hành's notice is not dated, Bắc Giang's Sở have no target);
the one figure the demo needs to show a progress bar (90 % for the "cơ bản hoàn thành"
document software) is ``illustrative``, which its documents print as "Số liệu minh họa".
The roster lists only the people the seeds name.  The IDs are fixed UUIDv7 values, so
loading the demo twice, or on two replicas, creates nothing twice.

The records are data: ``domain/data/demo/*.json``, one file per seed, read in the order of
their names.  Each is a list of ``{"key", "kind", "scope", "fields", "source"}``; a field
value ``"@key"`` (or an ``"@key"`` in a map's keys) refers to another demo record, and a ``null``
field is left out.  This module gives the keys their IDs.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from importlib import resources
from typing import Any

_EPOCH_MS = 1_404_086_400_000  # 30/07/2014, the day Tổ Thư ký was formed


def demo_id(key: str) -> str:
    """A stable UUIDv7-shaped ID for a demo record key."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:10], "big")
    value = (_EPOCH_MS & 0xFFFFFFFFFFFF) << 80
    value |= 0x7 << 76
    value |= ((digest >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= digest & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def rows() -> list[dict[str, Any]]:
    """Every demo record as the data files hold it (references as ``@key``)."""
    folder = resources.files("domain.data").joinpath("demo")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    return [row for f in files for row in json.loads(f.read_text("utf-8"))]


def _resolve(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return demo_id(value[1:])
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    if isinstance(value, dict):
        return {_resolve(k): _resolve(v) for k, v in value.items()}
    return value


def records() -> Iterator[dict[str, Any]]:
    """The demo records in the export form (id, kind, scope, fields, deleted)."""
    for row in rows():
        clean = {k: _resolve(v) for k, v in row["fields"].items() if v is not None}
        yield {
            "id": demo_id(row["key"]),
            "kind": row["kind"],
            "scope": row["scope"],
            "fields": clean,
            "deleted": False,
        }

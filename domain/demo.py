"""The demo data set, built from the five reports in ../shared/seeds.

Three offices: the Ủy ban Dân tộc secretariat (``vn/ubdt``: the 2014 Tổ Thư ký of 27 members
formed by 239/QĐ-BCĐ, its 2015 IT plan, Công văn 878/UBDT-TTTT of 08/10/2012 and the duties
it gives each unit, Kế hoạch 1772/KH-BCĐ and the quý II/2022 steering meeting with the
minister's conclusions), the Bộ TT&TT executive board (``vn/btttt``: its 31/03/2010 meeting
on the 2010 work programme) and Bắc Giang (``vn/bac-giang``: the 04/08/2011 conference, the
first-half 2011 indicators, the second-half tasks and the draft 2012 targets).

Facts (names, numbers, dates, figures) come from the seeds; the wording of records is ours.
Where a seed gives no deadline, a task carries the timeframe the seed implies ("Quý III/2022",
"6 tháng cuối năm 2011", "Thường xuyên"); the few deadlines a seed only implies ("một số
nhiệm vụ còn chậm trễ") are marked as illustrative in the task's notes.  The IDs are fixed
UUIDv7 values, so loading the demo twice, or on two replicas, creates nothing twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
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


UBDT, BTTTT, BG = "vn/ubdt", "vn/btttt", "vn/bac-giang"

# (key, kind, scope, fields) — "@key" values are references to other demo records.
Row = tuple[str, str, str, dict[str, Any]]


def _units() -> list[Row]:
    return [
        (
            "u.ubdt",
            "unit",
            UBDT,
            {"name": "Ủy ban Dân tộc", "abbr": "UBDT", "unit_kind": "ministry"},
        ),
        (
            "u.tttt",
            "unit",
            UBDT,
            {
                "name": "Trung tâm Thông tin",
                "abbr": "TTTT",
                "unit_kind": "centre",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.vp",
            "unit",
            UBDT,
            {
                "name": "Văn phòng Ủy ban",
                "abbr": "VP",
                "unit_kind": "office",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.vkh",
            "unit",
            UBDT,
            {
                "name": "Vụ Kế hoạch",
                "abbr": "VKH",
                "unit_kind": "department",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.tccb",
            "unit",
            UBDT,
            {
                "name": "Vụ Tổ chức Cán bộ",
                "abbr": "TCCB",
                "unit_kind": "department",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.vp1719",
            "unit",
            UBDT,
            {
                "name": "Văn phòng 1719",
                "abbr": "VP1719",
                "unit_kind": "office",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.hdtdkt",
            "unit",
            UBDT,
            {
                "name": "Hội đồng Thi đua khen thưởng",
                "abbr": "HĐTĐKT",
                "unit_kind": "committee",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.bcd-cntt",
            "unit",
            UBDT,
            {
                "name": "Ban Chỉ đạo ứng dụng công nghệ thông tin của Ủy ban Dân tộc",
                "abbr": "BCĐ CNTT",
                "unit_kind": "committee",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.bcd-cds",
            "unit",
            UBDT,
            {
                "name": "Ban Chỉ đạo Chuyển đổi số của Ủy ban Dân tộc",
                "abbr": "BCĐ CĐS",
                "unit_kind": "committee",
                "parent_id": "@u.ubdt",
            },
        ),
        (
            "u.btttt",
            "unit",
            BTTTT,
            {"name": "Bộ Thông tin và Truyền thông", "abbr": "BTTTT", "unit_kind": "ministry"},
        ),
        (
            "u.cucud",
            "unit",
            BTTTT,
            {
                "name": "Cục Ứng dụng công nghệ thông tin",
                "abbr": "ƯDCNTT",
                "unit_kind": "department",
                "parent_id": "@u.btttt",
            },
        ),
        (
            "u.bdh",
            "unit",
            BTTTT,
            {
                "name": "Ban Điều hành triển khai công tác ứng dụng CNTT trong hoạt động của cơ "
                "quan Nhà nước",
                "abbr": "BĐH",
                "unit_kind": "committee",
                "parent_id": "@u.btttt",
            },
        ),
        (
            "u.ubnd-bg",
            "unit",
            BG,
            {"name": "UBND tỉnh Bắc Giang", "abbr": "UBND tỉnh", "unit_kind": "province"},
        ),
        (
            "u.stttt-bg",
            "unit",
            BG,
            {
                "name": "Sở Thông tin và Truyền thông Bắc Giang",
                "abbr": "Sở TT&TT",
                "unit_kind": "provincial_dept",
                "parent_id": "@u.ubnd-bg",
            },
        ),
        (
            "u.bcd-bg",
            "unit",
            BG,
            {
                "name": "Ban Chỉ đạo CNTT tỉnh Bắc Giang",
                "abbr": "BCĐ CNTT tỉnh",
                "unit_kind": "committee",
                "parent_id": "@u.ubnd-bg",
            },
        ),
        (
            "u.so-bg",
            "unit",
            BG,
            {
                "name": "Các Sở, ngành tỉnh Bắc Giang",
                "abbr": "Các Sở",
                "unit_kind": "provincial_dept",
                "parent_id": "@u.ubnd-bg",
            },
        ),
        (
            "u.huyen-bg",
            "unit",
            BG,
            {
                "name": "UBND các huyện, thành phố tỉnh Bắc Giang",
                "abbr": "Các huyện",
                "unit_kind": "district",
                "parent_id": "@u.ubnd-bg",
            },
        ),
    ]


def _people() -> list[Row]:
    rows: list[Row] = [
        (
            "p.ha",
            "person",
            UBDT,
            {
                "name": "Nguyễn Ngọc Hà",
                "position": "Giám đốc Trung tâm Thông tin",
                "unit_id": "@u.tttt",
                "committee_role": "secretariat",
                "term_from": "30/07/2014",
                "notes": "Tổ trưởng Tổ Thư ký giúp việc BCĐ ứng dụng CNTT (QĐ 239/QĐ-BCĐ); "
                "Ủy viên thường trực BCĐ Chuyển đổi số (2022).",
            },
        ),
        (
            "p.lenh",
            "person",
            UBDT,
            {
                "name": "Hầu A Lềnh",
                "position": "Bộ trưởng, Chủ nhiệm Ủy ban Dân tộc",
                "unit_id": "@u.ubdt",
                "committee_role": "head",
                "notes": "Trưởng Ban Chỉ đạo Chuyển đổi số của UBDT.",
            },
        ),
        (
            "p.hong",
            "person",
            BTTTT,
            {
                "name": "Nguyễn Minh Hồng",
                "position": "Thứ trưởng Bộ Thông tin và Truyền thông",
                "unit_id": "@u.btttt",
                "committee_role": "head",
                "notes": "Trưởng Ban Điều hành triển khai công tác ứng dụng CNTT trong hoạt động "
                "của cơ quan Nhà nước.",
            },
        ),
        (
            "p.hanh",
            "person",
            BG,
            {
                "name": "Bùi Văn Hạnh",
                "position": "Phó Chủ tịch UBND tỉnh Bắc Giang",
                "unit_id": "@u.ubnd-bg",
                "committee_role": "head",
                "notes": "Trưởng Ban Chỉ đạo CNTT tỉnh Bắc Giang.",
            },
        ),
    ]
    # The other 26 members of the 27-member Tổ Thư ký (QĐ 239/QĐ-BCĐ): the seed names none.
    for n in range(2, 28):
        rows.append(
            (
                f"p.ttk{n:02d}",
                "person",
                UBDT,
                {
                    "name": f"Thành viên Tổ Thư ký số {n:02d}",
                    "committee_role": "secretariat",
                    "term_from": "30/07/2014",
                    "notes": "Thành viên Tổ Thư ký theo QĐ 239/QĐ-BCĐ (danh sách chi tiết chưa nhập).",
                },
            )
        )
    return rows


def _task(key: str, scope: str, title: str, lead: str, timeframe: str, **extra: Any) -> Row:
    fields: dict[str, Any] = {"title": title, "lead_unit_id": lead, "timeframe": timeframe}
    fields.update(extra)
    return (key, "task", scope, fields)


def _ubdt_2014_2015() -> list[Row]:
    rows: list[Row] = [
        (
            "c.qd239",
            "conclusion",
            UBDT,
            {
                "title": "Quyết định thành lập Tổ Thư ký giúp việc Ban Chỉ đạo ứng dụng CNTT của "
                "UBDT (27 thành viên)",
                "number": "239/QĐ-BCĐ",
                "doc_type": "decision",
                "date": "30/07/2014",
                "issuer_id": "@u.bcd-cntt",
                "directives": "Tổ Thư ký là đầu mối giúp BCĐ triển khai ứng dụng và phát triển CNTT; "
                "xây dựng chương trình, kế hoạch ứng dụng CNTT hằng năm và từng thời kỳ; "
                "nắm tình hình, tiến độ; xây dựng văn bản trình BCĐ; chuẩn bị các cuộc "
                "họp, hội thảo, tọa đàm; xây dựng kế hoạch kinh phí hoạt động của BCĐ.",
            },
        ),
        (
            "pl.ubdt2015",
            "plan",
            UBDT,
            {
                "title": "Kế hoạch ứng dụng CNTT trong hoạt động của cơ quan UBDT năm 2015",
                "plan_kind": "annual",
                "year_from": 2015,
                "year_to": 2015,
                "status": "draft",
                "issuer_id": "@u.bcd-cntt",
                "objectives": "Các nhiệm vụ trọng tâm báo cáo tại phiên họp đầu tiên của Tổ Thư ký.",
            },
        ),
        _task(
            "t.2015.1",
            UBDT,
            "Xây dựng Bộ Cơ sở dữ liệu các dân tộc thiểu số Việt Nam",
            "@u.tttt",
            "Năm 2015",
            plan_id="@pl.ubdt2015",
            stt="1",
            group="internal_apps",
        ),
        _task(
            "t.2015.2",
            UBDT,
            "Nâng cấp hạ tầng kỹ thuật, hệ thống bảo mật, thư điện tử",
            "@u.tttt",
            "Năm 2015",
            plan_id="@pl.ubdt2015",
            stt="2",
            group="infrastructure",
        ),
        _task(
            "t.2015.3",
            UBDT,
            "Nâng cấp, mở rộng phần mềm Quản lý văn bản và điều hành",
            "@u.tttt",
            "Năm 2015",
            plan_id="@pl.ubdt2015",
            stt="3",
            group="internal_apps",
            coordinators=["@u.vp"],
        ),
        _task(
            "t.2015.4",
            UBDT,
            "Nâng cấp Cổng thông tin điện tử của UBDT",
            "@u.tttt",
            "Năm 2015",
            plan_id="@pl.ubdt2015",
            stt="4",
            group="online_services",
        ),
        (
            "m.ttk2014",
            "meeting",
            UBDT,
            {
                "title": "Phiên họp đầu tiên của Tổ Thư ký giúp việc BCĐ ứng dụng CNTT",
                "meeting_kind": "workshop",
                "sequence": "phiên thứ nhất",
                "date": "23/10/2014",
                "chair_id": "@p.ha",
                "unit_id": "@u.bcd-cntt",
                "plan_id": "@pl.ubdt2015",
                "attendees": {
                    "@p.ha": "present",
                    **{f"@p.ttk{n:02d}": "present" for n in range(2, 28)},
                },
                "agenda": "1. Triển khai nhiệm vụ của Tổ Thư ký theo QĐ 239/QĐ-BCĐ.\n"
                "2. Nghe báo cáo Kế hoạch ứng dụng CNTT trong hoạt động của cơ quan UBDT "
                "năm 2015.\n3. Trao đổi về ứng dụng CNTT tại các Vụ, đơn vị.",
                "minutes": "Đồng chí Nguyễn Ngọc Hà, Giám đốc Trung tâm Thông tin, Tổ trưởng Tổ Thư ký "
                "thông qua nội dung cuộc họp.\n\n"
                "Ứng dụng CNTT giúp hoạt động tại các Vụ, đơn vị tiện lợi, nhanh chóng, tiết "
                "kiệm chi phí in ấn văn bản.\n\n"
                "Khó khăn: nguồn kinh phí còn hạn hẹp, số lượng và cấu hình máy tính còn hạn "
                "chế.\n\n"
                "Tổ trưởng đề nghị các thành viên tăng cường phối hợp, trao đổi qua thư điện "
                "tử; mỗi thành viên nghiên cứu, báo cáo, đề xuất với Lãnh đạo đơn vị mình "
                "việc đẩy mạnh ứng dụng CNTT.",
            },
        ),
    ]
    return rows


def _ubdt_878() -> list[Row]:
    c = "@c.cv878"
    rows: list[Row] = [
        (
            c[1:],
            "conclusion",
            UBDT,
            {
                "title": "Tăng cường thực hiện ứng dụng công nghệ thông tin trong hoạt động của Ủy "
                "ban Dân tộc",
                "number": "878/UBDT-TTTT",
                "doc_type": "official_letter",
                "date": "08/10/2012",
                "issuer_id": "@u.ubdt",
                "signer_id": None,
                "assessment": "Thực hiện Nghị định số 64/2007/NĐ-CP ngày 10/4/2007 của Chính phủ về "
                "ứng dụng CNTT trong hoạt động của cơ quan nhà nước.",
                "directives": "Các Vụ, đơn vị quán triệt, cụ thể hóa các văn bản chỉ đạo của Chính "
                "phủ, Thủ tướng Chính phủ về tăng cường ứng dụng CNTT, phát triển Chính "
                "phủ điện tử phù hợp với thực tiễn công tác của Ủy ban Dân tộc.",
            },
        ),
    ]
    duties: list[tuple[str, str, str, str, dict[str, Any]]] = [
        (
            "1",
            "Mọi cán bộ, công chức, viên chức và người lao động sử dụng hệ thống thư điện tử "
            "của Ủy ban Dân tộc để trao đổi văn bản công vụ",
            "@u.tttt",
            "Từ 15/10/2012",
            {"coordinators": ["@u.vp"], "start": "15/10/2012", "group": "internal_apps"},
        ),
        (
            "2",
            "Xây dựng văn bản, quy chế cụ thể hóa các văn bản chỉ đạo của Chính phủ, Thủ "
            "tướng Chính phủ về ứng dụng CNTT",
            "@u.tttt",
            "Thường xuyên",
            {"group": "other"},
        ),
        (
            "3",
            "Bảo đảm điều kiện kỹ thuật hạ tầng mạng, an toàn, bảo mật thông tin cho toàn hệ thống",
            "@u.tttt",
            "Thường xuyên",
            {"group": "security"},
        ),
        (
            "4",
            "Xây dựng và triển khai kế hoạch duy trì, phát triển hạ tầng kỹ thuật và các hệ "
            "thống thông tin phục vụ quản lý, điều hành, trao đổi văn bản",
            "@u.tttt",
            "Thường xuyên",
            {"group": "infrastructure"},
        ),
        (
            "5",
            "Xây dựng quy hoạch, kế hoạch ứng dụng CNTT 05 năm và hằng năm",
            "@u.tttt",
            "Hằng năm",
            {"coordinators": ["@u.vkh"], "group": "other"},
        ),
        (
            "6",
            "Xây dựng dự toán kinh phí hằng năm cho hoạt động ứng dụng CNTT",
            "@u.tttt",
            "Hằng năm",
            {"coordinators": ["@u.vkh"], "group": "other"},
        ),
        (
            "7",
            "Xây dựng, trình ban hành tiêu chuẩn trình độ, kỹ năng ứng dụng CNTT đối với công "
            "chức, viên chức; tổ chức các khóa đào tạo, tập huấn",
            "@u.tccb",
            "Thường xuyên",
            {"coordinators": ["@u.tttt"], "group": "workforce"},
        ),
        (
            "8",
            "Số hóa các văn bản",
            "@u.vp",
            "Thường xuyên",
            {"coordinators": ["@u.tttt"], "group": "internal_apps"},
        ),
        (
            "9",
            "Hướng dẫn, theo dõi, đôn đốc việc thực hiện ứng dụng CNTT của các Vụ, đơn vị",
            "@u.vp",
            "Thường xuyên",
            {"group": "other"},
        ),
        (
            "10",
            "Hướng dẫn Trung tâm Thông tin xây dựng quy hoạch, kế hoạch, lập dự toán kinh phí "
            "cho các nhiệm vụ CNTT",
            "@u.vkh",
            "Hằng năm",
            {"coordinators": ["@u.tttt"], "group": "other"},
        ),
        (
            "11",
            "Định kỳ cuối tháng, quý, năm lập báo cáo tình hình ứng dụng CNTT của từng tập "
            "thể, cá nhân gửi Lãnh đạo Ủy ban, các Vụ, đơn vị và Hội đồng Thi đua khen thưởng",
            "@u.tttt",
            "Hằng tháng, quý, năm",
            {"coordinators": ["@u.hdtdkt"], "group": "other"},
        ),
        (
            "12",
            "Đánh giá cuối năm, xây dựng bảng xếp hạng ứng dụng CNTT đối với các tập thể, cá "
            "nhân làm căn cứ bình xét thi đua, khen thưởng",
            "@u.tttt",
            "Hằng năm (cuối năm)",
            {"coordinators": ["@u.hdtdkt"], "group": "other"},
        ),
    ]
    for stt, title, lead, timeframe, extra in duties:
        rows.append(
            _task(f"t.878.{stt}", UBDT, title, lead, timeframe, conclusion_id=c, stt=stt, **extra)
        )
    return rows


def _ubdt_1772() -> list[Row]:
    plan = "@pl.1772"
    rows: list[Row] = [
        (
            plan[1:],
            "plan",
            UBDT,
            {
                "title": "Kế hoạch chuyển đổi số của Ủy ban Dân tộc năm 2021-2022",
                "number": "1772/KH-BCĐ",
                "issued_on": "17/11/2021",
                "issuer_id": "@u.bcd-cds",
                "plan_kind": "phase",
                "year_from": 2021,
                "year_to": 2022,
                "status": "issued",
            },
        ),
    ]
    done = [
        (
            "I.1",
            "Rà soát, cài đặt hệ thống, phần mềm ứng dụng đối với các gói thầu CNTT của các "
            "vụ, đơn vị",
            "internal_apps",
        ),
        ("I.2", "Triển khai cập nhật hệ điều hành bản quyền", "infrastructure"),
        (
            "I.3",
            "Tập huấn hướng dẫn sử dụng phần mềm Phòng họp số và Hệ thống họp trực tuyến",
            "workforce",
        ),
        (
            "I.4",
            "Tham mưu ban hành Quy chế Quản lý, vận hành và khai thác Phòng máy chủ của UBDT",
            "security",
        ),
        ("I.5", "Tham mưu ban hành Quy chế quản lý, sử dụng phòng họp số của UBDT", "other"),
    ]
    for stt, title, group in done:
        rows.append(
            _task(
                f"t.1772.{stt}",
                UBDT,
                title,
                "@u.tttt",
                "Quý II/2022",
                plan_id=plan,
                stt=stt,
                group=group,
                status="done",
                progress=100,
                completed_on="25/05/2022",
            )
        )
    late = [
        ("I.6", "Hệ thống thông tin giải quyết thủ tục hành chính của UBDT", "online_services", 40),
        ("I.7", "Hệ thống quản lý văn bản điều hành tác nghiệp", "internal_apps", 60),
    ]
    for stt, title, group, progress in late:
        rows.append(
            _task(
                f"t.1772.{stt}",
                UBDT,
                title,
                "@u.tttt",
                "Quý I/2022",
                plan_id=plan,
                stt=stt,
                group=group,
                status="in_progress",
                progress=progress,
                notes="Chậm so với kế hoạch (BCĐ ghi nhận tại phiên họp quý II/2022: "
                "một số nhiệm vụ còn chậm trễ). Thời hạn quý I/2022 là minh họa.",
            )
        )
    q3 = [
        ("II.1", "Tuyên truyền, nâng cao nhận thức về chuyển đổi số", "@u.tttt", "other"),
        ("II.2", "Nâng cấp khung kiến trúc Chính phủ điện tử 2.0 của UBDT", "@u.tttt", "other"),
        ("II.3", "Nâng cấp hệ thống máy chủ và lưu trữ điện tử", "@u.tttt", "infrastructure"),
        ("II.4", "Cổng thông tin thành phần", "@u.vp1719", "online_services"),
        (
            "II.5",
            "Hệ thống thông tin báo cáo, đánh giá kết quả thực hiện Chương trình",
            "@u.vp1719",
            "internal_apps",
        ),
        (
            "II.6",
            "Phòng điều hành thông minh và hệ thống phòng họp trực tuyến",
            "@u.vp1719",
            "infrastructure",
        ),
        ("II.7", "Trình dự thảo bổ sung Kế hoạch Chuyển đổi số UBDT năm 2022", "@u.tttt", "other"),
    ]
    for stt, title, lead, group in q3:
        rows.append(
            _task(
                f"t.1772.{stt}",
                UBDT,
                title,
                lead,
                "Quý III/2022",
                plan_id=plan,
                stt=stt,
                group=group,
                status="not_started",
            )
        )
    rows += [
        (
            "pr.phonghop",
            "project",
            UBDT,
            {
                "name": "Phòng họp số và Hệ thống họp trực tuyến của UBDT",
                "investor_id": "@u.tttt",
                "plan_id": plan,
                "stage": "completed",
                "records_complete": False,
                "notes": "Đã hoàn thành, đã tập huấn sử dụng. Cần xây dựng phương án, làm rõ phạm vi, "
                "đối tượng, cơ chế khai thác (kết luận phiên họp quý II/2022).",
            },
        ),
        (
            "pr.maychu",
            "project",
            UBDT,
            {
                "name": "Nâng cấp hệ thống máy chủ và lưu trữ điện tử",
                "investor_id": "@u.tttt",
                "plan_id": plan,
                "task_id": "@t.1772.II.3",
                "stage": "preparation",
                "records_complete": False,
            },
        ),
    ]
    return rows


def _ubdt_q2_2022() -> list[Row]:
    meeting, notice = "@m.cds-q2-2022", "@c.cds-q2-2022"
    rows: list[Row] = [
        (
            meeting[1:],
            "meeting",
            UBDT,
            {
                "title": "Phiên họp Ban Chỉ đạo Chuyển đổi số của UBDT quý II năm 2022",
                "meeting_kind": "meeting",
                "sequence": "quý II/2022",
                "date": "27/05/2022",
                "unit_id": "@u.bcd-cds",
                "chair_id": "@p.lenh",
                "plan_id": "@pl.1772",
                "attendees": {"@p.lenh": "present", "@p.ha": "present"},
                "agenda": "1. Báo cáo kết quả thực hiện nhiệm vụ quý II, trọng tâm công tác quý "
                "III/2022.\n2. Kết quả, tiến độ triển khai các Thông báo kết luận của Ban "
                "Chỉ đạo và của Bộ trưởng, Chủ nhiệm.\n3. Các chương trình, dự án CNTT do "
                "Trung tâm Thông tin làm chủ đầu tư.\n4. Dự thảo bổ sung Kế hoạch Chuyển đổi "
                "số UBDT năm 2022.",
                "minutes": "Ông Nguyễn Ngọc Hà, Giám đốc Trung tâm Thông tin, Ủy viên thường trực BCĐ "
                "báo cáo kết quả quý II theo Kế hoạch 1772/KH-BCĐ: đã rà soát, cài đặt hệ "
                "thống, phần mềm cho các gói thầu CNTT của các vụ, đơn vị; cập nhật hệ "
                "điều hành bản quyền; tập huấn Phòng họp số và Hệ thống họp trực tuyến; "
                "ban hành Quy chế Phòng máy chủ và Quy chế phòng họp số.\n\n"
                "Trọng tâm quý III/2022: tuyên truyền, nâng cao nhận thức; khung kiến trúc "
                "Chính phủ điện tử 2.0; hệ thống quản lý văn bản điều hành; máy chủ và lưu "
                "trữ điện tử; hệ thống giải quyết thủ tục hành chính; các nhiệm vụ do Văn "
                "phòng 1719 chủ trì.\n\n"
                "Bộ trưởng, Chủ nhiệm Hầu A Lềnh ghi nhận kết quả; một số nhiệm vụ còn chậm "
                "trễ, chưa triển khai theo kế hoạch, cần đánh giá khách quan, rút kinh "
                "nghiệm.",
            },
        ),
        (
            notice[1:],
            "conclusion",
            UBDT,
            {
                "title": "Kết luận của Bộ trưởng, Chủ nhiệm tại phiên họp Ban Chỉ đạo Chuyển đổi số "
                "quý II năm 2022",
                "doc_type": "notice",
                "meeting_id": meeting,
                "issuer_id": "@u.bcd-cds",
                "signer_id": "@p.lenh",
                "assessment": "Công tác phối hợp, nhận thức về chuyển đổi số có nhiều đổi mới; xử lý "
                "văn bản, điều hành tác nghiệp, hệ điều hành bản quyền, phòng họp số, "
                "kiểm soát vào/ra cơ quan từng bước được chuẩn hóa. Một số nhiệm vụ còn "
                "chậm trễ, chưa triển khai theo kế hoạch.",
            },
        ),
    ]
    directives: list[tuple[str, str, str, str, dict[str, Any]]] = [
        (
            "1",
            "Tăng cường tập huấn, bồi dưỡng nâng cao nhận thức, trình độ, kỹ năng để đưa các "
            "sản phẩm CNTT vào khai thác hiệu quả",
            "@u.tttt",
            "Quý III/2022",
            {"coordinators": ["@u.vp1719"], "group": "workforce"},
        ),
        (
            "2",
            "Bám sát Kế hoạch chuyển đổi số năm 2021-2022 và năm 2022, cụ thể hóa thành nội "
            "dung, nhiệm vụ chi tiết triển khai trong quý III, bảo đảm tính khả thi và tiến độ",
            "@u.tttt",
            "trước 30/6/2022",
            {"group": "other"},
        ),
        (
            "3",
            "Triển khai thường xuyên công tác báo cáo của Ban Chỉ đạo, cập nhật số liệu, lấy ý "
            "kiến các đơn vị liên quan",
            "@u.tttt",
            "Thường xuyên",
            {"group": "other"},
        ),
        (
            "4",
            "Rà soát hồ sơ, chứng từ các dự án CNTT đang triển khai, bảo đảm trình tự, thủ tục, "
            "thanh quyết toán theo quy định; báo cáo tại cuộc họp Ban Chỉ đạo quý III",
            "@u.tttt",
            "Quý III/2022",
            {"coordinators": ["@u.vp1719"], "group": "other"},
        ),
        (
            "5",
            "Xây dựng phương án khai thác các dự án CNTT đã hoàn thành: làm rõ phạm vi, đối "
            "tượng, cơ chế khai thác sử dụng",
            "@u.tttt",
            "Quý III/2022",
            {"group": "other"},
        ),
        (
            "6",
            "Làm rõ tính cấp thiết, tiến độ các dự án CNTT mở mới để xây dựng kế hoạch năm 2023",
            "@u.tttt",
            "Quý IV/2022",
            {"coordinators": ["@u.vkh"], "group": "other"},
        ),
        (
            "7",
            "Đổi mới tư duy trong thuê dịch vụ, hạ tầng CNTT; bảo đảm an toàn, an ninh thông "
            "tin trên môi trường mạng",
            "@u.tttt",
            "Thường xuyên",
            {"group": "security"},
        ),
    ]
    for stt, title, lead, timeframe, extra in directives:
        rows.append(
            _task(
                f"t.q2.{stt}",
                UBDT,
                title,
                lead,
                timeframe,
                conclusion_id=notice,
                meeting_id=meeting,
                stt=stt,
                **extra,
            )
        )
    return rows


def _btttt_2010() -> list[Row]:
    plan, meeting, notice = "@pl.bdh2010", "@m.bdh2010", "@c.bdh2010"
    rows: list[Row] = [
        (
            plan[1:],
            "plan",
            BTTTT,
            {
                "title": "Chương trình công tác năm 2010 của Ban Điều hành triển khai công tác ứng "
                "dụng CNTT trong hoạt động của cơ quan Nhà nước",
                "plan_kind": "annual",
                "year_from": 2010,
                "year_to": 2010,
                "status": "draft",
                "issuer_id": "@u.bdh",
                "objectives": "Kế hoạch cần có tham vọng nhưng thiết thực, cụ thể, có định lượng; xây "
                "dựng Bộ TT&TT là cơ quan gương mẫu, đi đầu trong thực hiện.",
            },
        ),
        (
            meeting[1:],
            "meeting",
            BTTTT,
            {
                "title": "Họp triển khai chương trình công tác năm 2010 của Ban Điều hành",
                "meeting_kind": "working_session",
                "date": "31/03/2010",
                "time": "08:00",
                "venue": "Hà Nội",
                "unit_id": "@u.bdh",
                "chair_id": "@p.hong",
                "plan_id": plan,
                "attendees": {"@p.hong": "present"},
                "agenda": "Cục Ứng dụng CNTT (cơ quan thường trực) báo cáo định hướng công tác năm "
                "2010; các thành viên góp ý kế hoạch triển khai nhiệm vụ năm 2010.",
                "minutes": "Các ý kiến đánh giá cao các nhiệm vụ do cơ quan thường trực đề xuất; khối "
                "lượng nhiệm vụ năm 2010 có phần nhiều so với nguồn lực của Ban Điều hành.\n\n"
                "Một số thành viên thuộc các Bộ, ngành khác đã nghỉ hưu, chuyển công tác; "
                "cần sớm kiện toàn tổ chức của Ban Điều hành.",
            },
        ),
        (
            notice[1:],
            "conclusion",
            BTTTT,
            {
                "title": "Kết luận của Thứ trưởng Nguyễn Minh Hồng tại buổi làm việc ngày 31/3/2010",
                "doc_type": "notice",
                "meeting_id": meeting,
                "issuer_id": "@u.bdh",
                "signer_id": "@p.hong",
                "date": "02/04/2010",
                "assessment": "Ban Điều hành không làm hộ các địa phương; trong thực hiện cần nỗ lực "
                "nhưng không quá cầu toàn.",
            },
        ),
    ]
    programme = [
        ("1", "Tổ chức các phiên họp toàn thể và chuyên đề, hội thảo", "other"),
        (
            "2",
            "Tuyên truyền, đôn đốc, đánh giá triển khai ứng dụng CNTT: khảo sát, đánh giá hiện "
            "trạng, xếp hạng ứng dụng CNTT; thẩm định kế hoạch ứng dụng CNTT của các cơ quan "
            "Nhà nước",
            "other",
        ),
        (
            "3",
            "Đề xuất tổ chức triển khai Chương trình quốc gia về ứng dụng CNTT trong hoạt động "
            "của cơ quan Nhà nước giai đoạn 2011-2015",
            "other",
        ),
        (
            "4",
            "Đề xuất chính sách, quy định: quản lý đầu tư ứng dụng CNTT; gắn cải cách hành "
            "chính với ứng dụng CNTT; Chính phủ điện tử; mô hình tổ chức quản lý CNTT; chuẩn "
            "ứng dụng CNTT; dịch vụ chứng thực chữ ký số",
            "other",
        ),
        ("5", "Tổ chức các hoạt động hợp tác quốc tế", "other"),
    ]
    for stt, title, group in programme:
        rows.append(
            _task(
                f"t.bdh.{stt}",
                BTTTT,
                title,
                "@u.cucud",
                "Năm 2010",
                plan_id=plan,
                stt=stt,
                group=group,
            )
        )
    rows += [
        _task(
            "t.bdh.k1",
            BTTTT,
            "Tập hợp ý kiến các thành viên, hoàn chỉnh chương trình công tác năm 2010",
            "@u.cucud",
            "trước 31/3/2010",
            conclusion_id=notice,
            meeting_id=meeting,
            stt="1",
            status="done",
            progress=100,
            completed_on="31/03/2010",
        ),
        _task(
            "t.bdh.k2",
            BTTTT,
            "Kiện toàn tổ chức Ban Điều hành (thành viên nghỉ hưu, chuyển công tác)",
            "@u.cucud",
            "Quý II/2010",
            conclusion_id=notice,
            meeting_id=meeting,
            stt="2",
        ),
        _task(
            "t.bdh.k3",
            BTTTT,
            "Tổ chức sớm các việc đã dự kiến và đủ điều kiện; thực hiện "
            "sớm các nhóm công việc đã báo cáo",
            "@u.cucud",
            "Quý II/2010",
            conclusion_id=notice,
            meeting_id=meeting,
            stt="3",
        ),
    ]
    return rows


def _bac_giang() -> list[Row]:
    p2011, p2h, p2012 = "@pl.bg2011", "@pl.bg2011h2", "@pl.bg2012"
    meeting, notice = "@m.bg2011", "@c.bg2011"
    rows: list[Row] = [
        (
            p2011[1:],
            "plan",
            BG,
            {
                "title": "Kế hoạch ứng dụng CNTT trong các cơ quan nhà nước tỉnh Bắc Giang năm 2011",
                "plan_kind": "annual",
                "year_from": 2011,
                "year_to": 2011,
                "status": "issued",
                "issuer_id": "@u.ubnd-bg",
            },
        ),
        (
            p2h[1:],
            "plan",
            BG,
            {
                "title": "Nhiệm vụ ứng dụng CNTT 6 tháng cuối năm 2011",
                "plan_kind": "thematic",
                "year_from": 2011,
                "year_to": 2011,
                "status": "issued",
                "issuer_id": "@u.bcd-bg",
            },
        ),
        (
            p2012[1:],
            "plan",
            BG,
            {
                "title": "Dự thảo Kế hoạch ứng dụng CNTT trong các cơ quan nhà nước tỉnh Bắc Giang "
                "năm 2012",
                "plan_kind": "annual",
                "year_from": 2012,
                "year_to": 2012,
                "status": "draft",
                "issuer_id": "@u.ubnd-bg",
                "objectives": "100% cơ quan cấp Sở và UBND các huyện thực sự sử dụng phần mềm quản lý "
                "văn bản và điều hành công việc; gửi nhận văn bản điện tử và dùng thư "
                "điện tử trong công việc; nâng cao chất lượng Một cửa điện tử.",
            },
        ),
    ]
    first_half: list[tuple[str, str, str, str, dict[str, Any]]] = [
        (
            "1",
            "Xây dựng, vận hành Một cửa điện tử tại UBND các huyện, thành phố",
            "@u.huyen-bg",
            "6 tháng đầu năm 2011",
            {
                "status": "done",
                "progress": 100,
                "completed_on": "31/05/2011",
                "group": "online_services",
            },
        ),
        (
            "2",
            "Xây dựng, vận hành Một cửa điện tử tại các Sở",
            "@u.so-bg",
            "Quý I/2011",
            {
                "status": "in_progress",
                "progress": 27,
                "group": "online_services",
                "notes": "6/22 Sở đã hoàn thành (14/06/2011). Thời hạn quý I/2011 là minh họa.",
            },
        ),
        (
            "3",
            "Xây dựng phần mềm Một cửa điện tử bằng mã nguồn mở, triển khai cho 2 huyện và 3 sở",
            "@u.stttt-bg",
            "6 tháng đầu năm 2011",
            {
                "status": "done",
                "progress": 100,
                "completed_on": "31/05/2011",
                "group": "online_services",
            },
        ),
        (
            "4",
            "Xây dựng phần mềm Quản lý văn bản và điều hành công việc mã nguồn mở",
            "@u.stttt-bg",
            "Quý I/2011",
            {
                "status": "in_progress",
                "progress": 90,
                "group": "internal_apps",
                "notes": "Cơ bản hoàn thành (14/06/2011). Thời hạn quý I/2011 là minh họa.",
            },
        ),
        (
            "5",
            "Trang thông tin điện tử cho 100% cơ quan quản lý nhà nước trên địa bàn tỉnh",
            "@u.stttt-bg",
            "6 tháng đầu năm 2011",
            {
                "status": "done",
                "progress": 100,
                "completed_on": "31/05/2011",
                "coordinators": ["@u.so-bg", "@u.huyen-bg"],
                "group": "online_services",
            },
        ),
    ]
    for stt, title, lead, timeframe, extra in first_half:
        rows.append(
            _task(f"t.bg11.{stt}", BG, title, lead, timeframe, plan_id=p2011, stt=stt, **extra)
        )
    second_half = [
        (
            "1",
            "Triển khai sử dụng phần mềm quản lý văn bản và điều hành công việc (mục tiêu 30% "
            "Sở, cơ quan áp dụng thực sự)",
            "@u.stttt-bg",
            ["@u.so-bg"],
            "internal_apps",
        ),
        (
            "2",
            "Nâng cao chất lượng Một cửa điện tử",
            "@u.stttt-bg",
            ["@u.huyen-bg"],
            "online_services",
        ),
        (
            "3",
            "Nâng cao chất lượng Cổng/Trang thông tin điện tử, cung cấp thông tin và dịch vụ "
            "công trực tuyến theo Nghị định số 43/2011/NĐ-CP",
            "@u.stttt-bg",
            ["@u.so-bg"],
            "online_services",
        ),
        (
            "4",
            "Gửi nhận văn bản điện tử giữa các khối, các cấp chính quyền và trong nội bộ từng "
            "ngành",
            "@u.stttt-bg",
            ["@u.so-bg", "@u.huyen-bg"],
            "internal_apps",
        ),
        (
            "5",
            "Đào tạo, bồi dưỡng nâng cao trình độ CNTT cho cán bộ công chức, đặc biệt là công "
            "chức xã",
            "@u.stttt-bg",
            ["@u.huyen-bg"],
            "workforce",
        ),
    ]
    for stt, title, lead, coord, group in second_half:
        rows.append(
            _task(
                f"t.bg11h2.{stt}",
                BG,
                title,
                lead,
                "6 tháng cuối năm 2011",
                plan_id=p2h,
                stt=stt,
                coordinators=coord,
                group=group,
            )
        )
    rows += _bac_giang_indicators(p2011, p2h, p2012)
    rows += [
        (
            meeting[1:],
            "meeting",
            BG,
            {
                "title": "Hội nghị kiểm điểm tình hình ứng dụng và phát triển CNTT 6 tháng đầu năm "
                "2011, triển khai nhiệm vụ 6 tháng cuối năm",
                "meeting_kind": "conference",
                "sequence": "6 tháng đầu năm 2011",
                "date": "04/08/2011",
                "time": "08:00",
                "unit_id": "@u.bcd-bg",
                "chair_id": "@p.hanh",
                "plan_id": p2h,
                "attendees": {"@p.hanh": "present"},
                "agenda": "1. Kiểm điểm tình hình ứng dụng và phát triển CNTT 6 tháng đầu năm 2011.\n"
                "2. Triển khai nhiệm vụ 6 tháng cuối năm.\n3. Dự thảo Kế hoạch ứng dụng CNTT "
                "trong các cơ quan nhà nước tỉnh Bắc Giang năm 2012.",
                "minutes": "Kết quả 6 tháng đầu năm: 10/10 huyện, thành phố và 6/22 Sở hoàn thành Một "
                "cửa điện tử; 100% cơ quan quản lý nhà nước có Trang thông tin điện tử; "
                "khoảng 70% văn bản đến và 60% văn bản đi gửi nhận điện tử.\n\n"
                "Tồn tại, hạn chế: ứng dụng CNTT mới dừng ở cơ quan nhà nước; tham mưu, dự "
                "báo chưa kịp thời; đầu tư còn manh mún, thiếu đồng bộ; hoạt động của BCĐ "
                "chưa thường xuyên, kiện toàn chậm.",
            },
        ),
        (
            notice[1:],
            "conclusion",
            BG,
            {
                "title": "Kết luận của đồng chí Bùi Văn Hạnh tại Hội nghị ngày 04/8/2011",
                "doc_type": "notice",
                "meeting_id": meeting,
                "issuer_id": "@u.bcd-bg",
                "signer_id": "@p.hanh",
                "assessment": "Ghi nhận kết quả đạt được; chỉ ra tồn tại, hạn chế: nhận thức về ứng "
                "dụng CNTT trong nhân dân và doanh nghiệp còn hạn chế; lồng ghép nguồn "
                "lực, lượng hóa công việc còn hạn chế; các thành viên chưa phát huy vai "
                "trò của BCĐ.",
            },
        ),
    ]
    conclusions = [
        (
            "1",
            "Rà soát những vấn đề còn tồn tại, làm việc với các cơ quan liên quan để thống nhất "
            "giải quyết, đề xuất kế hoạch cụ thể",
            "@u.stttt-bg",
            "Quý IV/2011",
            ["@u.so-bg"],
        ),
        (
            "2",
            "Chú trọng đào tạo, tập huấn cho cán bộ công chức, đặc biệt lãnh đạo và công chức "
            "cấp xã, lồng ghép với chương trình của các ngành",
            "@u.stttt-bg",
            "6 tháng cuối năm 2011",
            ["@u.so-bg", "@u.huyen-bg"],
        ),
        (
            "3",
            "Thành viên BCĐ tổ chức thực hiện tốt ứng dụng CNTT của cơ quan, ngành mình",
            "@u.so-bg",
            "Thường xuyên",
            [],
        ),
        (
            "4",
            "Kiểm điểm, đánh giá hằng năm hoạt động của BCĐ và các thành viên BCĐ",
            "@u.bcd-bg",
            "Hằng năm",
            [],
        ),
    ]
    for stt, title, lead, timeframe, coord in conclusions:
        more: dict[str, Any] = {"coordinators": coord} if coord else {}
        rows.append(
            _task(
                f"t.bgk.{stt}",
                BG,
                title,
                lead,
                timeframe,
                conclusion_id=notice,
                meeting_id=meeting,
                stt=stt,
                **more,
            )
        )
    return rows


def _bac_giang_indicators(p2011: str, p2h: str, p2012: str) -> list[Row]:
    cutoff = "14/06/2011"
    ev = "Hội nghị BCĐ CNTT tỉnh ngày 04/8/2011"

    def ind(key: str, plan: str, name: str, measure: str, **extra: Any) -> Row:
        return (
            key,
            "indicator",
            BG,
            {"name": name, "plan_id": plan, "framework": "plan", "measure": measure, **extra},
        )

    return [
        ind(
            "i.bg.motcua-huyen",
            p2011,
            "Huyện, thành phố có Một cửa điện tử",
            "ratio",
            unit_label="huyện",
            target=10,
            target_denominator=10,
            readings={cutoff: {"numerator": 10, "denominator": 10, "evidence": ev}},
        ),
        ind(
            "i.bg.motcua-so",
            p2011,
            "Sở có Một cửa điện tử",
            "ratio",
            unit_label="Sở",
            target=22,
            target_denominator=22,
            readings={cutoff: {"numerator": 6, "denominator": 22, "evidence": ev}},
        ),
        ind(
            "i.bg.trang-ttdt",
            p2011,
            "Cơ quan quản lý nhà nước có Trang thông tin điện tử",
            "percent",
            target=100,
            readings={cutoff: {"value": 100, "evidence": ev}},
        ),
        ind(
            "i.bg.vb-den",
            p2011,
            "Văn bản đến gửi nhận điện tử",
            "percent",
            readings={cutoff: {"value": 70, "evidence": ev + " (khoảng 70%)"}},
        ),
        ind(
            "i.bg.vb-di",
            p2011,
            "Văn bản đi gửi nhận điện tử",
            "percent",
            readings={cutoff: {"value": 60, "evidence": ev + " (khoảng 60%)"}},
        ),
        ind(
            "i.bg.qlvb-h2",
            p2h,
            "Sở, cơ quan áp dụng thực sự phần mềm quản lý văn bản và điều hành công việc",
            "percent",
            target=30,
        ),
        ind(
            "i.bg.qlvb-2012",
            p2012,
            "Cơ quan cấp Sở và UBND các huyện thực sự sử dụng phần mềm "
            "quản lý văn bản và điều hành công việc",
            "percent",
            target=100,
        ),
    ]


def rows() -> list[Row]:
    """Every demo record, references as ``@key``."""
    return [
        *_units(),
        *_people(),
        *_ubdt_2014_2015(),
        *_ubdt_878(),
        *_ubdt_1772(),
        *_ubdt_q2_2022(),
        *_btttt_2010(),
        *_bac_giang(),
    ]


def _resolve(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return demo_id(value[1:])
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    if isinstance(value, dict):
        return {(_resolve(k) if isinstance(k, str) else k): _resolve(v) for k, v in value.items()}
    return value


def records() -> Iterator[dict[str, Any]]:
    """The demo records in the export form (id, kind, scope, fields, deleted)."""
    for key, kind, scope, fields in rows():
        clean = {k: _resolve(v) for k, v in fields.items() if v is not None}
        yield {"id": demo_id(key), "kind": kind, "scope": scope, "fields": clean, "deleted": False}

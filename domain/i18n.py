"""Labels and messages in Vietnamese and English.

Vietnamese is the default.  Every message key exists in both languages (a test checks it).
Templates use ``str.format`` fields.  Nothing here reads files or the terminal; the caller
says which language it wants (see :func:`resolve_lang`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


def resolve_lang(value: str | None = None, env: Mapping[str, str] | None = None) -> Lang:
    """Pick the interface language from an explicit setting, else ``SOTAY_LANG``, else ``LANG``.

    Anything English-looking (``en``, ``en_US.UTF-8``) gives English; everything else,
    including ``C.UTF-8`` and unset, gives Vietnamese, the product's first language.
    """
    if value:
        return "en" if value.lower().startswith("en") else "vi"
    env = os.environ if env is None else env
    for name in ("SOTAY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        raw = env.get(name, "")
        if raw and not raw.upper().startswith(("C.", "POSIX")) and raw.upper() != "C":
            return "en" if raw.lower().startswith("en") else "vi"
    return "vi"


# ---------------------------------------------------------------------------
# Labels: record kinds, fields, enumerations, a few interface words.
# ---------------------------------------------------------------------------
LABELS: dict[str, tuple[str, str]] = {
    # kinds
    "kind.unit": ("Cơ quan / đơn vị", "Unit"),
    "kind.person": ("Thành viên", "Member"),
    "kind.plan": ("Kế hoạch", "Plan"),
    "kind.task": ("Nhiệm vụ", "Task"),
    "kind.indicator": ("Chỉ tiêu", "Target"),
    "kind.meeting": ("Phiên họp", "Meeting"),
    "kind.conclusion": ("Thông báo kết luận", "Conclusion notice"),
    "kind.project": ("Dự án CNTT", "IT project"),
    "kind.report": ("Báo cáo", "Report"),
    "kind.ranking": ("Bảng xếp hạng", "Ranking"),
    "kind.conflict": ("Xung đột", "Conflict"),
    # common fields
    "field.id": ("Mã", "ID"),
    "field.kind": ("Loại bản ghi", "Kind"),
    "field.scope": ("Phạm vi", "Scope"),
    "field.deleted": ("Đã xóa", "Deleted"),
    "field.name": ("Tên", "Name"),
    "field.title": ("Nội dung", "Title"),
    "field.abbr": ("Viết tắt", "Abbreviation"),
    "field.unit_kind": ("Loại đơn vị", "Unit type"),
    "field.parent_id": ("Đơn vị cấp trên", "Parent unit"),
    "field.area_code": ("Mã địa bàn", "Area code"),
    "field.valid_from": ("Hiệu lực từ", "Valid from"),
    "field.valid_to": ("Hiệu lực đến", "Valid to"),
    "field.successor_id": ("Đơn vị kế thừa", "Successor"),
    "field.position": ("Chức vụ", "Position"),
    "field.unit_id": ("Đơn vị", "Unit"),
    "field.committee_role": ("Vai trò trong Ban", "Committee role"),
    "field.term_from": ("Nhiệm kỳ từ", "Term from"),
    "field.term_to": ("Nhiệm kỳ đến", "Term to"),
    "field.email": ("Thư điện tử", "Email"),
    "field.phone": ("Điện thoại", "Phone"),
    "field.number": ("Số, ký hiệu", "Number / symbol"),
    "field.issuer_id": ("Cơ quan ban hành", "Issued by"),
    "field.issued_on": ("Ngày ban hành", "Issue date"),
    "field.plan_kind": ("Loại kế hoạch", "Plan type"),
    "field.year_from": ("Từ năm", "From year"),
    "field.year_to": ("Đến năm", "To year"),
    "field.legal_bases": ("Căn cứ", "Legal basis"),
    "field.objectives": ("Mục tiêu", "Objectives"),
    "field.status": ("Trạng thái", "Status"),
    "field.budget": ("Dự toán kinh phí", "Budget"),
    "field.published_to": ("Công bố tới", "Published to"),
    "field.plan_id": ("Kế hoạch", "Plan"),
    "field.conclusion_id": ("Thông báo kết luận", "Conclusion notice"),
    "field.stt": ("STT", "No."),
    "field.group": ("Nhóm nhiệm vụ", "Group"),
    "field.lead_unit_id": ("Đơn vị chủ trì", "Lead unit"),
    "field.coordinators": ("Đơn vị phối hợp", "Coordinating units"),
    "field.timeframe": ("Thời gian thực hiện", "Timeframe"),
    "field.start": ("Bắt đầu", "Start"),
    "field.due": ("Thời hạn", "Deadline"),
    "field.funding": ("Nguồn vốn", "Funding source"),
    "field.deliverable": ("Sản phẩm", "Deliverable"),
    "field.progress": ("Tiến độ", "Progress"),
    "field.completed_on": ("Ngày hoàn thành", "Completed on"),
    "field.notes": ("Ghi chú", "Notes"),
    "field.framework": ("Bộ chỉ số", "Framework"),
    "field.measure": ("Cách đo", "Measure"),
    "field.unit_label": ("Đơn vị tính", "Counted in"),
    "field.baseline": ("Giá trị ban đầu", "Baseline"),
    "field.target": ("Kế hoạch", "Target"),
    "field.target_denominator": ("Tổng số", "Out of"),
    "field.readings": ("Số liệu thực hiện", "Readings"),
    "field.meeting_kind": ("Hình thức", "Meeting type"),
    "field.sequence": ("Phiên / kỳ", "Sequence"),
    "field.date": ("Ngày", "Date"),
    "field.time": ("Giờ", "Time"),
    "field.venue": ("Địa điểm", "Venue"),
    "field.chair_id": ("Chủ trì", "Chair"),
    "field.attendees": ("Thành phần tham dự", "Attendees"),
    "field.agenda": ("Chương trình", "Agenda"),
    "field.minutes": ("Biên bản", "Minutes"),
    "field.meeting_id": ("Phiên họp", "Meeting"),
    "field.doc_type": ("Loại văn bản", "Document type"),
    "field.signer_id": ("Người ký", "Signed by"),
    "field.assessment": ("Đánh giá", "Assessment"),
    "field.directives": ("Chỉ đạo", "Directives"),
    "field.investor_id": ("Chủ đầu tư", "Investor"),
    "field.task_id": ("Nhiệm vụ", "Task"),
    "field.stage": ("Giai đoạn", "Stage"),
    "field.packages": ("Gói thầu", "Contract packages"),
    "field.end": ("Kết thúc", "End"),
    "field.records_complete": ("Hồ sơ, chứng từ đầy đủ", "Records complete"),
    "field.report_kind": ("Loại báo cáo", "Report type"),
    "field.period": ("Kỳ báo cáo", "Period"),
    "field.cutoff_from": ("Chốt số liệu từ", "Cut-off from"),
    "field.cutoff_to": ("Chốt số liệu đến", "Cut-off to"),
    "field.report_scope": ("Phạm vi báo cáo", "Report scope"),
    "field.reporting_unit_id": ("Đơn vị báo cáo", "Reporting unit"),
    "field.recipients": ("Nơi nhận", "Recipients"),
    "field.recommendations": ("Kiến nghị", "Recommendations"),
    "field.content": ("Nội dung báo cáo", "Report content"),
    "field.place": ("Địa danh", "Place"),
    "field.signer": ("Người ký", "Signed by"),
    "field.year": ("Năm", "Year"),
    "field.ranking_group": ("Khối", "Group"),
    "field.criteria": ("Tiêu chí", "Criteria"),
    "field.entries": ("Kết quả xếp hạng", "Entries"),
    "field.record_id": ("Bản ghi", "Record"),
    "field.record_kind": ("Loại bản ghi", "Record kind"),
    "field.record_title": ("Bản ghi", "Record"),
    "field.other_fields": ("Các trường đã sửa", "Edited fields"),
    "field.record_fields": ("Bản ghi trước khi chuyển đi", "The record before it moved"),
    "field.field": ("Trường", "Field"),
    "field.current_value": ("Giá trị hiện tại", "Current value"),
    "field.other_value": ("Giá trị còn lại", "Other value"),
    "field.base_value": ("Giá trị gốc", "Base value"),
    "field.current_author": ("Người sửa (hiện tại)", "Current author"),
    "field.other_author": ("Người sửa (còn lại)", "Other author"),
    "field.current_office": ("Văn phòng (hiện tại)", "Current office"),
    "field.other_office": ("Văn phòng (còn lại)", "Other office"),
    "field.current_at": ("Lúc sửa (hiện tại)", "Current edit time"),
    "field.other_at": ("Lúc sửa (còn lại)", "Other edit time"),
    "field.resolution": ("Cách giải quyết", "Resolution"),
    "field.resolved_by": ("Người giải quyết", "Resolved by"),
    "field.tags": ("Nhãn", "Tags"),
    # task status
    "status.not_started": ("Chưa thực hiện", "Not started"),
    "status.in_progress": ("Đang thực hiện", "In progress"),
    "status.done": ("Hoàn thành", "Done"),
    "status.done_on_time": ("Hoàn thành đúng hạn", "Done on time"),
    "status.done_late": ("Hoàn thành quá hạn", "Done late"),
    "status.overdue": ("Quá hạn", "Overdue"),
    "status.paused": ("Tạm dừng", "Paused"),
    "status.cancelled": ("Hủy", "Cancelled"),
    # plan status
    "plan_status.draft": ("Dự thảo", "Draft"),
    "plan_status.issued": ("Ban hành", "Issued"),
    "plan_status.amended": ("Điều chỉnh", "Amended"),
    "plan_status.closed": ("Kết thúc", "Closed"),
    # conflict status
    "conflict_status.open": ("Chưa giải quyết", "Open"),
    "conflict_status.resolved": ("Đã giải quyết", "Resolved"),
    # attendance
    "attendance.present": ("Có mặt", "Present"),
    "attendance.absent": ("Vắng", "Absent"),
    "attendance.delegated": ("Cử người dự thay", "Delegated"),
    # words
    "word.overdue": ("Quá hạn", "Overdue"),
    "word.sync": ("Đồng bộ", "Sync"),
    "word.not_synced": ("Chưa đồng bộ", "Not yet synced"),
    "word.offline": ("Ngoại tuyến", "Offline"),
    "word.online": ("Trực tuyến", "Online"),
    "word.yes": ("Có", "Yes"),
    "word.no": ("Không", "No"),
    "word.achieved": ("Đạt", "Achieved"),
    "word.not_achieved": ("Không đạt", "Not achieved"),
    # why a file could not be read or written (the {detail} of store.read_only / unreadable)
    "why.opened_read_only": ("Hồ sơ đang được mở chỉ để đọc", "Opened for reading only"),
    "why.permission_denied": ("Không có quyền", "Permission denied"),
    "why.read_only_fs": ("Ổ đĩa chỉ đọc", "Read-only file system"),
}


# ---------------------------------------------------------------------------
# Messages: errors and notices shown to a person.
# ---------------------------------------------------------------------------
MESSAGES: dict[str, tuple[str, str]] = {
    "error.generic": ("Đã có lỗi: {detail}", "Something went wrong: {detail}"),
    "error.internal": (
        "Lỗi không mong muốn ({detail}). Dữ liệu đã lưu vẫn an toàn; hãy báo cho bộ phận kỹ thuật.",
        "Unexpected error ({detail}). Saved data is safe; please tell technical support.",
    ),
    # --- validation -------------------------------------------------------
    "validation.summary": ("Dữ liệu chưa hợp lệ:", "Some input is not valid:"),
    "validation.required": ("Trường này là bắt buộc.", "This field is required."),
    "validation.unknown_field": (
        "Không có trường '{field}' trong {kind}. Các trường: {known}.",
        "There is no field '{field}' in {kind}. Fields: {known}.",
    ),
    "validation.unknown_kind": (
        "Không có loại bản ghi '{kind}'. Các loại: {known}.",
        "There is no record kind '{kind}'. Kinds: {known}.",
    ),
    "validation.bad_value": ("Giá trị không hợp lệ: {detail}.", "Invalid value: {detail}."),
    "validation.bad_choice": (
        "'{value}' không phải lựa chọn hợp lệ. Chọn một trong: {choices}.",
        "'{value}' is not a valid choice. Choose one of: {choices}.",
    ),
    "validation.text_too_long": (
        "Nội dung quá dài ({length} ký tự, tối đa {limit}).",
        "Text is too long ({length} characters, at most {limit}).",
    ),
    "validation.not_integer": (
        "'{value}' không phải số nguyên.",
        "'{value}' is not a whole number.",
    ),
    "validation.not_number": ("'{value}' không phải là số.", "'{value}' is not a number."),
    "validation.out_of_range": (
        "Giá trị {value} nằm ngoài khoảng {low}–{high}.",
        "The value {value} is outside {low}–{high}.",
    ),
    "validation.progress_range": (
        "Tiến độ phải từ 0 đến 100 (%), không phải {value}.",
        "Progress must be between 0 and 100 (%), not {value}.",
    ),
    "validation.date_format": (
        "'{value}' không phải ngày hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 30/09/2022.",
        "'{value}' is not a valid date. Type day/month/year, e.g. 30/09/2022.",
    ),
    "validation.date_month_first": (
        "'{value}': tháng {month} không tồn tại. Ngày viết theo thứ tự ngày/tháng/năm "
        "(dd/mm/yyyy), có phải ý bạn là {suggestion}?",
        "'{value}': there is no month {month}. Dates are day/month/year (dd/mm/yyyy); "
        "did you mean {suggestion}?",
    ),
    "validation.date_bad_month": (
        "'{value}': tháng {month} không tồn tại (tháng từ 1 đến 12, viết dd/mm/yyyy).",
        "'{value}': there is no month {month} (months are 1–12, written dd/mm/yyyy).",
    ),
    "validation.date_bad_day": (
        "Ngày {value} không tồn tại: tháng {month}/{year} chỉ có {days} ngày.",
        "{value} does not exist: {month}/{year} has only {days} days.",
    ),
    "validation.date_bad_year": (
        "'{value}': năm {year} nằm ngoài khoảng cho phép (1900–2100).",
        "'{value}': the year {year} is outside 1900–2100.",
    ),
    "validation.date_order": (
        "Ngày kết thúc ({end}) đứng trước ngày bắt đầu ({start}).",
        "The end date ({end}) is before the start date ({start}).",
    ),
    "validation.money_format": (
        "'{value}' không phải số tiền hợp lệ. Nhập số nguyên đồng, có thể dùng dấu chấm "
        "phân cách hàng nghìn: 1.500.000.000 hoặc 1500000000.",
        "'{value}' is not a valid amount. Type a whole number of đồng, optionally with dots "
        "between thousands: 1.500.000.000 or 1500000000.",
    ),
    "validation.money_decimal": (
        "'{value}' có phần lẻ. Tiền tính bằng số nguyên đồng: dấu chấm chỉ dùng để phân cách "
        "hàng nghìn (1.500.000.000), không dùng cho số thập phân.",
        "'{value}' has a fraction. Money is a whole number of đồng: dots only separate "
        "thousands (1.500.000.000), they are not decimal points.",
    ),
    "validation.money_words": (
        "'{value}': hãy nhập số đầy đủ bằng đồng (ví dụ 1.500.000.000), không dùng chữ như "
        "'tỷ', 'triệu'.",
        "'{value}': type the full amount in đồng (e.g. 1.500.000.000), without words such as "
        "'tỷ' or 'triệu'.",
    ),
    "validation.money_negative": (
        "Số tiền không được âm: '{value}'.",
        "An amount cannot be negative: '{value}'.",
    ),
    "validation.scope": (
        "'{value}' không phải phạm vi hợp lệ. Viết dạng vn/bac-giang (chữ thường không dấu, "
        "gạch nối, phân cấp bằng /).",
        "'{value}' is not a valid scope. Write it like vn/bac-giang (lower-case ASCII, "
        "hyphens, levels separated by /).",
    ),
    "validation.one_lead_unit": (
        "Mỗi nhiệm vụ có đúng một đơn vị chủ trì; các đơn vị khác ghi vào 'phối hợp'.",
        "A task has exactly one lead unit; put the others under 'coordinating units'.",
    ),
    "validation.reference": (
        "Không tìm thấy {kind} '{value}'.",
        "No {kind} matches '{value}'.",
    ),
    "validation.reference_ambiguous": (
        "'{value}' khớp với nhiều {kind}: {matches}. Hãy ghi rõ hơn hoặc dùng mã.",
        "'{value}' matches several {kind} records: {matches}. Be more specific or use the ID.",
    ),
    "validation.assignment": (
        "'{value}' không đúng dạng trường=giá_trị.",
        "'{value}' is not in the form field=value.",
    ),
    "validation.immutable": (
        "Không thể sửa trường '{field}'.",
        "The field '{field}' cannot be changed.",
    ),
    "validation.reading": (
        "Số liệu '{value}' không hợp lệ: viết dạng ngày:giá_trị, ví dụ 30/06/2011:6/22 hoặc 30/06/2011:70%.",
        "Reading '{value}' is not valid: write date:value, e.g. 30/06/2011:6/22 or 30/06/2011:70%.",
    ),
    "validation.period": (
        "'{value}' không phải kỳ báo cáo hợp lệ (ví dụ 2022-Q2, 2011-H1, 2022-05, 2022).",
        "'{value}' is not a valid period (e.g. 2022-Q2, 2011-H1, 2022-05, 2022).",
    ),
    # --- store ------------------------------------------------------------
    "store.not_found": ("Không tìm thấy bản ghi '{id}'.", "No record with ID '{id}'."),
    "store.deleted": ("Bản ghi '{id}' đã bị xóa.", "The record '{id}' has been deleted."),
    "store.exists": ("Đã có bản ghi với mã '{id}'.", "A record with ID '{id}' already exists."),
    "store.no_profile": (
        'Chưa có hồ sơ dữ liệu ở {path}. Hãy chạy: sotay init --office vn/ten-don-vi --name "Tên"',
        'There is no profile at {path}. Run: sotay init --office vn/your-office --name "Name"',
    ),
    "store.profile_exists": (
        "Đã có hồ sơ dữ liệu ở {path} (văn phòng {office}).",
        "A profile already exists at {path} (office {office}).",
    ),
    "store.locked": (
        "Sổ tay đang được mở ở một cửa sổ khác trên máy này (thư mục {path}). "
        "Hãy dùng cửa sổ đó, hoặc đóng nó rồi mở lại.",
        "Sổ tay is already open in another window on this computer (folder {path}). "
        "Use that window, or close it and try again.",
    ),
    "store.corrupt": (
        "Tệp dữ liệu {file} bị hỏng ({detail}). Tệp được giữ nguyên, không ghi đè. "
        "Chạy 'sotay doctor' để xem chi tiết và khôi phục.",
        "The data file {file} is damaged ({detail}). It has been kept as it is, not "
        "overwritten. Run 'sotay doctor' for details and recovery.",
    ),
    "store.disk_full": (
        "Ổ đĩa đã đầy nên chưa lưu được thay đổi này. Dữ liệu đã lưu trước đó vẫn nguyên vẹn; "
        "hãy giải phóng dung lượng rồi lưu lại.",
        "The disk is full, so this change was not saved. Everything saved before is intact; "
        "free some space and save again.",
    ),
    "store.write_failed": (
        "Không ghi được thay đổi vào đĩa ({detail}). Thay đổi này chưa được lưu; dữ liệu "
        "đã lưu trước đó vẫn nguyên vẹn.",
        "The change could not be written to disk ({detail}). It was not saved; everything "
        "saved before is intact.",
    ),
    "store.broken": (
        "Kho dữ liệu đã dừng ghi sau một lỗi đĩa. Hãy đóng và mở lại Sổ tay; các thay đổi "
        "đã lưu vẫn an toàn.",
        "The store stopped writing after a disk error. Close and reopen Sổ tay; saved changes "
        "are safe.",
    ),
    "store.closed": ("Kho dữ liệu đã đóng.", "The store is closed."),
    "store.readonly_kind": (
        "Không sửa trực tiếp được {kind}; hãy dùng lệnh giải quyết xung đột.",
        "{kind} records cannot be edited directly; use conflict resolution.",
    ),
    "store.out_of_scope": (
        "Bản ghi thuộc phạm vi {scope}, ngoài phạm vi văn phòng {office}: chỉ xem, không sửa được.",
        "The record belongs to {scope}, outside office {office}: read-only here.",
    ),
    "store.newer_format": (
        "Tệp {file} được ghi bởi phiên bản Sổ tay mới hơn (định dạng {found}): hãy nâng cấp "
        "Sổ tay. Tệp không hỏng và được giữ nguyên.",
        "{file} was written by a newer Sổ tay (format {found}): upgrade Sổ tay. The file is "
        "not damaged and has been left as it is.",
    ),
    "store.read_only": (
        "Thư mục dữ liệu chỉ đọc được: {path} ({detail}). Vẫn xem, tìm, xuất dữ liệu và lập "
        "báo cáo được; không lưu được thay đổi ở đây.",
        "The data folder is read-only: {path} ({detail}). Listing, search, export and reports "
        "still work; changes cannot be saved here.",
    ),
    "store.unreadable": (
        "Không đọc được tệp {file}: {detail}. Tệp không hỏng; hãy kiểm tra quyền truy cập.",
        "Cannot read {file}: {detail}. The file is not damaged; check its permissions.",
    ),
    # --- import / export -------------------------------------------------
    "import.bad_line": (
        "Dòng {line} của {file}: {detail}",
        "Line {line} of {file}: {detail}",
    ),
    "import.unreadable": ("Không đọc được tệp {file}: {detail}", "Cannot read {file}: {detail}"),
}


def label(key: str, lang: Lang = "vi") -> str:
    """The label for ``key`` (``"kind.task"``, ``"field.due"``) in ``lang``; the key itself if unknown."""
    pair = LABELS.get(key)
    if pair is None:
        return key.split(".", 1)[-1]
    return pair[0] if lang == "vi" else pair[1]


def message(key: str, lang: Lang = "vi", **params: object) -> str:
    """Format the message ``key`` in ``lang``; unknown keys fall back to the generic error."""
    pair = MESSAGES.get(key) or MESSAGES["error.generic"]
    template = pair[0] if lang == "vi" else pair[1]
    # A parameter written "§kind.task" is a label key, shown in the message's language.
    params = {
        k: _lower_first(label(v[1:], lang)) if isinstance(v, str) and v.startswith("§") else v
        for k, v in params.items()
    }
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def _lower_first(text: str) -> str:
    """ "Dự án CNTT" → "dự án CNTT": a label in the middle of a sentence."""
    return text[:1].lower() + text[1:]


def register(
    labels: Mapping[str, tuple[str, str]] | None = None,
    messages: Mapping[str, tuple[str, str]] | None = None,
) -> None:
    """Let other packages (the TUI, the server) add their own keys to the one catalogue."""
    if labels:
        LABELS.update(labels)
    if messages:
        MESSAGES.update(messages)

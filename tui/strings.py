"""The interface's own words, in Vietnamese and English, registered in the one catalogue.

Every string a screen shows goes through :func:`tr` with a ``ui.*`` key; record kinds, field
names and enumerations come from :mod:`domain.i18n` labels.  Keys are checked by a test
(every ``"ui.…"`` literal in ``tui/`` exists here in both languages).
"""

from __future__ import annotations

from domain.i18n import MESSAGES, Lang, message, register

UI: dict[str, tuple[str, str]] = {
    # --- app frame ---------------------------------------------------------
    "ui.app.title": ("Sổ tay", "Sổ tay"),
    "ui.nav.dashboard": ("Tổng quan", "Dashboard"),
    "ui.nav.plans": ("Kế hoạch", "Plans"),
    "ui.nav.tasks": ("Nhiệm vụ", "Tasks"),
    "ui.nav.meetings": ("Cuộc họp", "Meetings"),
    "ui.nav.indicators": ("Chỉ tiêu", "Targets"),
    "ui.nav.projects": ("Dự án", "IT projects"),
    "ui.nav.units": ("Đơn vị & thành viên", "Units & members"),
    "ui.nav.conflicts": ("Xung đột", "Conflicts"),
    "ui.nav.reports": ("Báo cáo", "Reports"),
    "ui.nav.import": ("Nhập kế hoạch", "Import a plan"),
    # --- keys (footer and help) -------------------------------------------
    "ui.key.help": ("Trợ giúp", "Help"),
    "ui.key.search": ("Tìm", "Search"),
    "ui.key.sync": ("Đồng bộ", "Sync"),
    "ui.key.undo": ("Hoàn tác", "Undo"),
    "ui.key.lang": ("English", "Tiếng Việt"),
    "ui.key.quit": ("Thoát", "Quit"),
    "ui.key.palette": ("Lệnh", "Commands"),
    "ui.key.goto": ("Chuyển mục", "Go to section"),
    "ui.key.add": ("Thêm", "Add"),
    "ui.key.open": ("Mở", "Open"),
    "ui.key.edit": ("Sửa", "Edit"),
    "ui.key.delete": ("Xóa", "Delete"),
    "ui.key.history": ("Lịch sử", "History"),
    "ui.key.sort": ("Sắp xếp", "Sort"),
    "ui.key.reverse": ("Đảo thứ tự", "Reverse order"),
    "ui.key.filter": ("Lọc", "Filter"),
    "ui.key.overdue": ("Quá hạn", "Overdue"),
    "ui.key.clear_filters": ("Bỏ lọc", "Clear filters"),
    "ui.key.status": ("Trạng thái", "Status"),
    "ui.key.progress": ("Tiến độ", "Progress"),
    "ui.key.save": ("Lưu", "Save"),
    "ui.key.preview": ("Xem trước", "Preview"),
    "ui.key.export": ("Xuất tệp", "Export"),
    "ui.key.rollup": ("Theo đơn vị", "By office"),
    "ui.rollup.title": ("Tình hình các đơn vị", "Progress by office"),
    "ui.cmd.rollup": ("Tình hình thực hiện của các đơn vị", "Progress by office"),
    "ui.key.back": ("Quay lại", "Back"),
    "ui.key.cancel": ("Hủy", "Cancel"),
    "ui.key.editor": ("Soạn bằng $EDITOR", "Edit in $EDITOR"),
    "ui.key.add_item": ("Thêm kết luận", "Add conclusion"),
    "ui.key.add_indicator": ("Thêm chỉ tiêu", "Add target"),
    "ui.key.switch_list": ("Đổi danh sách", "Switch list"),
    "ui.key.keep_mine": ("Giữ của tôi", "Keep mine"),
    "ui.key.keep_theirs": ("Giữ của họ", "Keep theirs"),
    "ui.key.keep_copy": ("Giữ bản sao", "Keep a copy"),
    "ui.key.removals": ("Bản ghi chờ gỡ", "Held removals"),
    "ui.key.move": ("Chuyển phạm vi", "Move to another scope"),
    "ui.key.merge": ("Sửa giá trị gộp", "Edit merged value"),
    "ui.key.attendance": ("Đổi có mặt/vắng", "Toggle attendance"),
    "ui.key.remove": ("Bỏ", "Remove"),
    "ui.key.yes": ("Đồng ý", "Yes"),
    "ui.key.no": ("Không", "No"),
    "ui.key.next": ("Trường sau", "Next field"),
    "ui.key.prev": ("Trường trước", "Previous field"),
    "ui.key.pick": ("Chọn", "Pick"),
    # --- status line -------------------------------------------------------
    "ui.status.online": ("● Trực tuyến", "● Online"),
    "ui.status.offline": ("○ Ngoại tuyến", "○ Offline"),
    "ui.status.local": (
        "○ Chỉ trên máy này (chưa cấu hình máy chủ)",
        "○ This computer only (no server configured)",
    ),
    "ui.status.unknown": (
        "◌ Chưa đồng bộ lần nào trong phiên này",
        "◌ Not synced yet in this session",
    ),
    "ui.status.syncing": ("⟳ Đang đồng bộ…", "⟳ Syncing…"),
    "ui.status.pending": ("Chưa đồng bộ: {count}", "Not yet synced: {count}"),
    "ui.status.last_sync": ("Đồng bộ lần cuối: {when}", "Last sync: {when}"),
    "ui.status.never": ("chưa", "never"),
    "ui.status.conflicts": ("Xung đột: {count}", "Conflicts: {count}"),
    "ui.status.skew": ("⚠ Đồng hồ lệch {minutes} phút", "⚠ Clock off by {minutes} min"),
    "ui.status.retry": ("sẽ thử lại lúc {when}", "will retry at {when}"),
    "ui.status.rejected": ("Bị từ chối: {count}", "Refused: {count}"),
    # --- sync notices ------------------------------------------------------
    "ui.sync.done": (
        "Đã đồng bộ: gửi {pushed}, nhận {pulled}.",
        "Synced: sent {pushed}, received {pulled}.",
    ),
    "ui.sync.failed": ("Chưa đồng bộ được. {detail}", "Could not sync. {detail}"),
    "ui.sync.new_conflicts": (
        "Có {count} xung đột mới cần giải quyết (phím 8).",
        "{count} new conflicts to resolve (key 8).",
    ),
    "ui.sync.rejected": (
        "Máy chủ từ chối {count} thay đổi.",
        "The server refused {count} changes.",
    ),
    "ui.sync.not_configured": (
        "Chưa cấu hình máy chủ: dữ liệu chỉ lưu trên máy này. Chạy: sotay login --server URL --token MÃ",
        "No server configured: data stays on this computer. Run: sotay login --server URL --token TOKEN",
    ),
    "ui.sync.busy": ("Đang đồng bộ, vui lòng chờ.", "A sync is already running."),
    # --- common words ------------------------------------------------------
    "ui.saved": ("Đã lưu.", "Saved."),
    "ui.saved_record": ("Đã lưu {kind}: {title}", "Saved {kind}: {title}"),
    "ui.deleted": ("Đã xóa {kind}: {title}", "Deleted {kind}: {title}"),
    "ui.nothing_changed": ("Không có gì thay đổi.", "Nothing changed."),
    "ui.undone": ("Đã hoàn tác: {what}", "Undone: {what}"),
    "ui.nothing_to_undo": ("Không có thay đổi nào để hoàn tác.", "Nothing to undo."),
    "ui.saving": ("Đang lưu…", "Saving…"),
    "ui.save_failed": ("Chưa lưu được. {detail}", "Not saved. {detail}"),
    "ui.fix_fields": (
        "Có {count} trường chưa hợp lệ; xem thông báo dưới từng trường.",
        "{count} fields are not valid; see the message under each.",
    ),
    "ui.confirm.delete": ("Xóa {kind} “{title}”?", "Delete {kind} “{title}”?"),
    "ui.confirm.discard": ("Bỏ các thay đổi chưa lưu?", "Discard unsaved changes?"),
    "ui.empty": ("Không có bản ghi nào.", "No records."),
    "ui.count": ("{shown} / {total} dòng", "{shown} / {total} rows"),
    "ui.loading": ("Đang tải…", "Loading…"),
    "ui.none": ("—", "—"),
    "ui.read_only": ("Bản ghi của văn phòng khác: chỉ xem.", "Another office's record: read-only."),
    "ui.new": ("Thêm mới", "New"),
    "ui.editing": ("Sửa", "Edit"),
    "ui.required_mark": ("(bắt buộc)", "(required)"),
    "ui.lang_switched": ("Đã chuyển sang tiếng Việt.", "Switched to English."),
    "ui.editor_failed": (
        "Không mở được trình soạn thảo: {detail}",
        "Could not open the editor: {detail}",
    ),
    "ui.internal": (
        "Lỗi không mong muốn ({detail}). Dữ liệu đã lưu vẫn an toàn.",
        "Unexpected error ({detail}). Saved data is safe.",
    ),
    # --- forms ---------------------------------------------------------------
    "ui.form.date_hint": (
        "dd/mm/yyyy · t = hôm nay · +7 = 7 ngày nữa",
        "dd/mm/yyyy · t = today · +7 = in 7 days",
    ),
    "ui.form.money_hint": ("đồng, ví dụ 1.500.000.000", "đồng, e.g. 1.500.000.000"),
    "ui.form.pick_hint": (
        "gõ vài chữ (không dấu cũng được), ↓↑ rồi Enter để chọn",
        "type part of the name (accents optional), ↓↑ then Enter",
    ),
    "ui.form.multi_hint": (
        "gõ tên rồi Enter để thêm; Backspace ở ô trống để bỏ người cuối",
        "type a name then Enter to add; Backspace on empty removes the last",
    ),
    "ui.form.readings_hint": (
        "ngày: giá trị; … ví dụ 30/06/2011: 6/22; 31/12/2011: 70%",
        "date: value; … e.g. 30/06/2011: 6/22; 31/12/2011: 70%",
    ),
    "ui.form.long_hint": ("F4: soạn bằng $EDITOR", "F4: edit in $EDITOR"),
    "ui.form.no_match": ("Không tìm thấy “{text}”.", "Nothing matches “{text}”."),
    "ui.form.ambiguous": (
        "“{text}” khớp nhiều mục: {matches}. Dùng ↓↑ và Enter để chọn.",
        "“{text}” matches several: {matches}. Use ↓↑ and Enter to pick.",
    ),
    "ui.form.chosen": ("Đã chọn: {names}", "Chosen: {names}"),
    # --- dashboard -----------------------------------------------------------
    "ui.dash.overdue": ("Nhiệm vụ quá hạn", "Overdue tasks"),
    "ui.dash.due_soon": ("Đến hạn trong {days} ngày tới", "Due in the next {days} days"),
    "ui.dash.meetings": ("Cuộc họp sắp tới", "Upcoming meetings"),
    "ui.dash.notices": (
        "Thông báo kết luận chậm (quá 5 ngày làm việc)",
        "Conclusion notices late (over 5 working days)",
    ),
    "ui.dash.indicators": ("Mức đạt chỉ tiêu", "Target attainment"),
    "ui.dash.sync": ("Đồng bộ", "Sync"),
    "ui.dash.more": ("… và {count} mục khác", "… and {count} more"),
    "ui.dash.nothing": ("Không có.", "None."),
    "ui.dash.not_issued": (
        "chưa ban hành, quá hạn {days} ngày làm việc",
        "not issued, {days} working days late",
    ),
    "ui.dash.issued_late": (
        "ban hành {date}, chậm {days} ngày làm việc",
        "issued {date}, {days} working days late",
    ),
    "ui.card.overdue": ("Quá hạn", "Overdue"),
    "ui.card.due_soon": ("Sắp đến hạn", "Due soon"),
    "ui.card.meetings": ("Họp sắp tới", "Meetings ahead"),
    "ui.card.notices": ("TB kết luận chậm", "Late notices"),
    "ui.card.pending": ("Chưa đồng bộ", "Not synced"),
    "ui.card.conflicts": ("Xung đột", "Conflicts"),
    "ui.card.rejected": ("Bị từ chối", "Refused"),
    "ui.dash.days_left": ("còn {days} ngày", "{days} days left"),
    "ui.dash.days_over": ("quá {days} ngày", "{days} days over"),
    "ui.dash.no_reading": ("chưa có số liệu", "no reading yet"),
    # --- lists and detail ------------------------------------------------------
    "ui.col.period": ("Thời kỳ", "Period"),
    "ui.col.lead": ("Chủ trì", "Lead"),
    "ui.col.done_pct": ("% xong", "% done"),
    "ui.col.tasks": ("Số NV", "Tasks"),
    "ui.col.plan": ("Kế hoạch", "Plan"),
    "ui.col.actual": ("Thực hiện", "Actual"),
    "ui.col.target": ("Kế hoạch", "Target"),
    "ui.col.pct": ("% KH", "% of target"),
    "ui.col.result": ("Đánh giá", "Result"),
    "ui.col.term": ("Nhiệm kỳ", "Term"),
    "ui.col.serving": ("Tình trạng", "Standing"),
    "ui.col.source": ("Nguồn", "Source"),
    "ui.col.when": ("Lúc", "When"),
    "ui.col.who": ("Người sửa", "Who"),
    "ui.col.office": ("Văn phòng", "Office"),
    "ui.col.changes": ("Thay đổi", "Changes"),
    "ui.col.kind": ("Loại", "Kind"),
    "ui.col.detail": ("Chi tiết", "Detail"),
    "ui.col.attendees": ("Dự", "Attending"),
    "ui.serving.yes": ("Đương nhiệm", "Serving"),
    "ui.serving.no": ("Hết nhiệm kỳ", "Term ended"),
    "ui.plan.tasks": ("Nhiệm vụ của kế hoạch", "Tasks of the plan"),
    "ui.plan.indicators": ("Chỉ tiêu của kế hoạch", "Targets of the plan"),
    "ui.plan.summary": (
        "{number} · {period} · {status} · {done} hoàn thành · {tasks} nhiệm vụ · {budget}",
        "{number} · {period} · {status} · {done} done · {tasks} tasks · {budget}",
    ),
    "ui.plan.no_group": ("(chưa phân nhóm)", "(no group)"),
    "ui.units.units": ("Cơ quan, đơn vị", "Units"),
    "ui.units.people": ("Thành viên Ban Chỉ đạo, Tổ thư ký", "Committee members and secretariat"),
    # --- tasks filters -----------------------------------------------------------
    "ui.filter.text": ("Tìm trong danh sách…", "Filter this list…"),
    "ui.filter.status": ("Trạng thái", "Status"),
    "ui.filter.lead": ("Đơn vị chủ trì", "Lead unit"),
    "ui.filter.due_from": ("Hạn từ", "Due from"),
    "ui.filter.due_to": ("đến", "to"),
    "ui.filter.overdue_on": ("Chỉ quá hạn", "Overdue only"),
    "ui.task.progress_prompt": ("Tiến độ (%) của “{title}”:", "Progress (%) of “{title}”:"),
    "ui.task.status_prompt": ("Trạng thái của “{title}”", "Status of “{title}”"),
    # --- meetings ------------------------------------------------------------------
    "ui.meeting.section.main": ("Thông tin phiên họp", "Meeting"),
    "ui.meeting.section.people": ("Thành phần", "People"),
    "ui.meeting.section.text": ("Chương trình và biên bản", "Agenda and minutes"),
    "ui.meeting.section.conclusions": ("Kết luận, giao nhiệm vụ", "Conclusions and assignments"),
    "ui.meeting.item": ("Kết luận {n}", "Conclusion {n}"),
    "ui.meeting.item_title": ("Nội dung giao", "Assignment"),
    "ui.meeting.notice_number": ("Số thông báo kết luận", "Notice number"),
    "ui.meeting.no_items": (
        "Chưa có kết luận. Ctrl+N để thêm.",
        "No conclusions yet. Ctrl+N to add.",
    ),
    "ui.meeting.notice_title": ("Thông báo kết luận: {title}", "Conclusion notice: {title}"),
    "ui.meeting.saved": (
        "Đã lưu phiên họp và {count} nhiệm vụ được giao.",
        "Saved the meeting and {count} follow-up tasks.",
    ),
    "ui.meeting.remove_item": ("Bỏ kết luận này", "Remove this conclusion"),
    # --- conflicts -------------------------------------------------------------------
    "ui.conflict.held": (
        "Máy chủ yêu cầu gỡ {count} bản ghi không còn thuộc phạm vi của văn "
        "phòng; chúng được giữ lại chờ xác nhận (phím r).",
        "The server asks to remove {count} records no longer within the "
        "office's reach; they are kept until you confirm (key r).",
    ),
    "ui.conflict.held_question": (
        "Gỡ {count} bản ghi khỏi máy này?\n{titles}",
        "Remove {count} records from this computer?\n{titles}",
    ),
    "ui.conflict.held_done": (
        "Đã gỡ {count} bản ghi khỏi máy này.",
        "Removed {count} records from this computer.",
    ),
    "ui.sync.removals_held": (
        "Máy chủ yêu cầu gỡ {count} bản ghi; đang giữ lại chờ xác nhận (phím 8, rồi r).",
        "The server asks to remove {count} records; kept until you confirm (key 8, then r).",
    ),
    "ui.moved": ("Đã chuyển {kind} “{title}” sang {scope}", "Moved {kind} “{title}” to {scope}"),
    "ui.move.prompt": (
        "Chuyển {kind} “{title}” từ {scope} sang phạm vi (văn phòng):",
        "Move {kind} “{title}” from {scope} to the scope (office):",
    ),
    "ui.conflict.none": ("Không có xung đột nào cần giải quyết.", "No conflicts to resolve."),
    "ui.conflict.mine": ("Của tôi", "Mine"),
    "ui.conflict.theirs": ("Của họ", "Theirs"),
    "ui.conflict.current": ("Giá trị hiện tại", "Current value"),
    "ui.conflict.other": ("Giá trị còn lại", "Other value"),
    "ui.conflict.header": ("{kind} “{title}” · trường {field}", "{kind} “{title}” · field {field}"),
    "ui.conflict.by": ("{author} ({office}) lúc {when}", "{author} ({office}) at {when}"),
    "ui.conflict.diff": ("Khác biệt (- của tôi, + của họ)", "Differences (- mine, + theirs)"),
    "ui.conflict.resolved": (
        "Đã giải quyết xung đột; thay đổi sẽ được gửi ở lần đồng bộ tới.",
        "Conflict resolved; the change goes out with the next sync.",
    ),
    "ui.conflict.merged_title": ("Giá trị gộp cho trường {field}", "Merged value for {field}"),
    "ui.conflict.deleted_yes": ("(đã xóa bản ghi)", "(record deleted)"),
    "ui.conflict.deleted_no": ("(giữ bản ghi)", "(record kept)"),
    # --- history ---------------------------------------------------------------------
    "ui.history.title": ("Lịch sử: {title}", "History: {title}"),
    "ui.history.local": ("Trên máy này", "On this computer"),
    "ui.history.server": ("Trên máy chủ", "On the server"),
    "ui.history.loading": ("Đang lấy lịch sử từ máy chủ…", "Fetching the server's history…"),
    "ui.history.offline": (
        "Ngoại tuyến: chỉ có lịch sử trên máy này.",
        "Offline: only this computer's history.",
    ),
    "ui.history.created": ("tạo mới", "created"),
    "ui.history.arrived": ("có lại trong phạm vi của văn phòng", "back within the office's reach"),
    "ui.history.removed": ("ra khỏi phạm vi của văn phòng", "left the office's reach"),
    "ui.history.moved": ("chuyển từ {old} sang {new}", "moved from {old} to {new}"),
    "ui.history.src.local": ("máy này", "this computer"),
    "ui.history.src.server": ("máy chủ", "server"),
    # --- search & help -------------------------------------------------------------------
    "ui.search.placeholder": (
        "Tìm mọi thứ (không dấu cũng được)…",
        "Search everything (accents optional)…",
    ),
    "ui.search.results": ("{count} kết quả", "{count} results"),
    "ui.search.more": (
        "{count}+ kết quả, gõ thêm để thu hẹp",
        "{count}+ results, type more to narrow",
    ),
    "ui.help.title": ("Phím tắt", "Keys"),
    "ui.help.here": ("Trên màn hình này", "On this screen"),
    "ui.help.everywhere": ("Ở mọi nơi", "Everywhere"),
    "ui.help.forms": ("Trong biểu mẫu", "In forms"),
    "ui.help.forms_text": (
        "Tab / Shift+Tab chuyển trường · Ctrl+S lưu · Esc quay lại (hỏi trước khi bỏ thay đổi)\n"
        "Ngày: dd/mm/yyyy, t = hôm nay, +7 / -3 · Tiền: gõ số, dấu chấm tự thêm\n"
        "Đơn vị, người: gõ vài chữ không dấu, ↓↑ và Enter để chọn",
        "Tab / Shift+Tab move between fields · Ctrl+S saves · Esc goes back (asks before discarding)\n"
        "Dates: dd/mm/yyyy, t = today, +7 / -3 · Money: type digits, dots are added\n"
        "Units, people: type part of the name without accents, ↓↑ and Enter to pick",
    ),
    "ui.help.close": ("Esc hoặc F1 để đóng", "Esc or F1 to close"),
    # --- command palette ---------------------------------------------------------------
    "ui.palette.placeholder": ("Gõ lệnh hoặc tên kế hoạch…", "Type a command or a plan's name…"),
    "ui.cmd.new_task": ("Thêm nhiệm vụ", "New task"),
    "ui.cmd.new_meeting": ("Thêm cuộc họp", "New meeting"),
    "ui.cmd.new_plan": ("Thêm kế hoạch", "New plan"),
    "ui.cmd.goto": ("Đi tới: {name}", "Go to: {name}"),
    "ui.cmd.goto_plan": ("Mở kế hoạch: {title}", "Open plan: {title}"),
    "ui.cmd.sync": ("Đồng bộ ngay", "Sync now"),
    "ui.cmd.lang": ("Đổi ngôn ngữ: English", "Switch language: Tiếng Việt"),
    "ui.cmd.search": ("Tìm kiếm", "Search"),
    "ui.cmd.help": ("Phím tắt và trợ giúp", "Keys and help"),
    "ui.cmd.undo": ("Hoàn tác thay đổi vừa lưu", "Undo the last saved change"),
    "ui.cmd.quit": ("Thoát Sổ tay", "Quit Sổ tay"),
    # --- setup ---------------------------------------------------------------------------
    "ui.setup.title": ("Thiết lập Sổ tay lần đầu", "First-time setup"),
    "ui.setup.intro": (
        "Nhập phạm vi văn phòng và tên. Địa chỉ máy chủ và mã truy cập có thể để trống để "
        "làm việc ngoại tuyến; cấu hình sau bằng: sotay login",
        "Enter your office scope and name. Leave the server and token empty to work offline; "
        "set them later with: sotay login",
    ),
    "ui.setup.office": (
        "Phạm vi văn phòng (ví dụ vn/bac-giang)",
        "Office scope (e.g. vn/bac-giang)",
    ),
    "ui.setup.name": ("Tên văn phòng / người dùng", "Office / user name"),
    "ui.setup.server": ("Địa chỉ máy chủ (không bắt buộc)", "Server URL (optional)"),
    "ui.setup.token": ("Mã truy cập (không bắt buộc)", "Access token (optional)"),
    "ui.setup.start": ("Bắt đầu (Ctrl+S)", "Start (Ctrl+S)"),
    "ui.setup.offline": ("Bỏ qua, làm việc ngoại tuyến (Esc)", "Skip, work offline (Esc)"),
    "ui.setup.need_both": (
        "Cần cả địa chỉ máy chủ và mã truy cập, hoặc để trống cả hai.",
        "Give both the server URL and the token, or neither.",
    ),
    "ui.setup.bad_url": (
        "Địa chỉ phải bắt đầu bằng http:// hoặc https://",
        "The URL must start with http:// or https://",
    ),
    # --- demo ----------------------------------------------------------------------------
    "ui.demo.starting": ("Đang khởi động máy chủ thử nghiệm…", "Starting a local demo server…"),
    "ui.demo.ready": (
        "Máy chủ thử nghiệm: {url} (dữ liệu tạm ở {path})",
        "Demo server: {url} (throwaway data in {path})",
    ),
    "ui.demo.second": (
        "Mở văn phòng Bắc Giang ở cửa sổ khác: sotay --data {path}",
        "Open the Bắc Giang office in another window: sotay --data {path}",
    ),
    "ui.demo.failed": (
        "Không khởi động được máy chủ thử nghiệm: {detail}",
        "Could not start the demo server: {detail}",
    ),
    "ui.demo.stopped": (
        "Đã dừng máy chủ thử nghiệm và xóa dữ liệu tạm.",
        "Stopped the demo server and removed the throwaway data.",
    ),
}

register(messages=UI)


def tr(key: str, lang: Lang, **params: object) -> str:
    """The interface string ``key`` in ``lang``; an unknown key shows itself (a visible bug)."""
    if key not in MESSAGES:
        return key
    return message(key, lang, **params)

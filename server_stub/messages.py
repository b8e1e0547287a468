"""The central service's messages, in Vietnamese and English, registered in the one catalogue.

Keys starting with ``server.`` are HTTP errors and admin-command messages; keys starting
with ``sync.reject.`` are the reasons a pushed op was rejected (consumed, not retried).
Importing this module registers them; every server module that renders a message imports it.
"""

from __future__ import annotations

from domain.i18n import register

SERVER_MESSAGES: dict[str, tuple[str, str]] = {
    # --- HTTP errors -----------------------------------------------------------------
    "server.auth_missing": (
        "Thiếu mã truy cập. Gửi kèm tiêu đề 'Authorization: Bearer st_…'.",
        "No access token. Send the header 'Authorization: Bearer st_…'.",
    ),
    "server.auth_invalid": (
        "Mã truy cập không đúng. Hãy kiểm tra lại mã do quản trị viên cấp.",
        "The access token is not valid. Check the token your administrator gave you.",
    ),
    "server.auth_revoked": (
        "Mã truy cập đã bị thu hồi. Hãy xin quản trị viên cấp mã mới.",
        "The access token has been revoked. Ask your administrator for a new one.",
    ),
    "server.auth_expired": (
        "Mã truy cập đã hết hạn. Hãy xin quản trị viên cấp mã mới.",
        "The access token has expired. Ask your administrator for a new one.",
    ),
    "server.auth_office_removed": (
        "Văn phòng {office} đã bị xóa khỏi máy chủ nên mã truy cập này không còn dùng được. "
        "Hãy liên hệ quản trị viên.",
        "The office {office} has been removed from the server, so this token no longer "
        "works. Contact your administrator.",
    ),
    "server.auth_hq_elsewhere": (
        "Mã truy cập có vai trò trung ương (hq) nhưng thuộc văn phòng {office}, không phải "
        "văn phòng trung ương; mã này không còn dùng được. Hãy xin quản trị viên cấp mã mới.",
        "This token has the headquarters role (hq) but belongs to {office}, which is not a "
        "headquarters office; it no longer works. Ask your administrator for a new one.",
    ),
    "server.forbidden_role": (
        "Chỉ tài khoản của cơ quan thường trực (trung ương) mới xem được mục này.",
        "Only headquarters accounts can see this.",
    ),
    "server.feed_changed": (
        "Dữ liệu trên máy chủ không còn như lúc máy này đồng bộ lần trước (máy chủ có thể đã "
        "được khôi phục từ một bản sao lưu cũ).",
        "The server's data is not what it was when this computer last synced (the server may "
        "have been restored from an older backup).",
    ),
    "server.not_found": (
        "Không có địa chỉ này trên máy chủ.",
        "There is no such address on the server.",
    ),
    "server.record_not_found": (
        "Không tìm thấy bản ghi '{id}' trong phạm vi của văn phòng.",
        "No record '{id}' within this office's scope.",
    ),
    "server.method_not_allowed": (
        "Phương thức {method} không dùng được ở địa chỉ này.",
        "The method {method} is not allowed here.",
    ),
    "server.bad_json": (
        "Nội dung gửi lên không phải JSON hợp lệ.",
        "The request body is not valid JSON.",
    ),
    "server.bad_request": ("Yêu cầu không hợp lệ.", "The request is not valid."),
    "server.disconnected": (
        "Kết nối bị ngắt khi đang gửi dữ liệu.",
        "The connection was closed while the request was being sent.",
    ),
    "server.bad_gzip": (
        "Nội dung nén gzip bị hỏng, không giải nén được.",
        "The gzip-compressed request body is damaged and cannot be decompressed.",
    ),
    "server.bad_encoding": (
        "Không hỗ trợ kiểu nén '{encoding}' (chỉ dùng gzip).",
        "The content encoding '{encoding}' is not supported (use gzip).",
    ),
    "server.too_large": (
        "Dữ liệu gửi lên quá lớn (tối đa {limit} byte). Hãy đồng bộ thành nhiều đợt nhỏ hơn.",
        "The request is too large (at most {limit} bytes). Sync in smaller batches.",
    ),
    "server.inflate_slow": (
        "Giải nén dữ liệu gửi lên mất quá {seconds} giây. Hãy đồng bộ thành nhiều đợt nhỏ hơn.",
        "Decompressing the request took more than {seconds} seconds. Sync in smaller batches.",
    ),
    "server.validation": (
        "Dữ liệu gửi lên không đúng định dạng giao thức đồng bộ.",
        "The request does not match the sync protocol.",
    ),
    "server.upgrade": (
        "Phiên bản Sổ tay trên máy này dùng giao thức {client}, máy chủ dùng giao thức {server}. "
        "Hãy cập nhật Sổ tay; các thay đổi chưa đồng bộ vẫn được giữ nguyên trên máy.",
        "This copy of Sổ tay speaks protocol {client}; the server speaks {server}. Please "
        "upgrade Sổ tay; changes not yet synced are kept on this computer.",
    ),
    "server.rate_limited": (
        "Gửi yêu cầu quá nhanh. Hãy thử lại sau {seconds} giây.",
        "Too many requests. Try again in {seconds} seconds.",
    ),
    "server.internal": (
        "Máy chủ gặp lỗi không mong muốn (mã yêu cầu {request_id}). Dữ liệu đã lưu vẫn an "
        "toàn; hãy thử lại sau hoặc báo cho bộ phận kỹ thuật.",
        "The server hit an unexpected error (request {request_id}). Stored data is safe; try "
        "again later or tell technical support.",
    ),
    # --- admin commands --------------------------------------------------------------
    "server.office_exists": ("Đã có văn phòng '{scope}'.", "The office '{scope}' already exists."),
    "server.office_unknown": (
        "Chưa có văn phòng '{scope}'. Hãy tạo trước: sotay-server office add {scope} --name \"…\"",
        "There is no office '{scope}'. Create it first: sotay-server office add {scope} --name \"…\"",
    ),
    "server.office_removed": (
        "Đã xóa văn phòng {scope}: {count} mã truy cập của văn phòng bị thu hồi ngay. Các bản "
        "ghi của văn phòng vẫn được giữ trên máy chủ.",
        "Removed office {scope}: its {count} tokens were revoked at once. Its records stay "
        "on the server.",
    ),
    "server.hq_office_only": (
        "Chỉ văn phòng trung ương (phạm vi gốc, ví dụ '{root}') mới có mã vai trò hq; "
        "'{office}' là văn phòng cấp dưới. Hãy dùng --role office, hoặc --office {root}.",
        "Only a headquarters office (a top-level scope such as '{root}') can have hq tokens; "
        "'{office}' is not one. Use --role office, or --office {root}.",
    ),
    "server.token_unknown": ("Không có mã truy cập '{id}'.", "There is no token '{id}'."),
    "server.token_already_revoked": (
        "Mã truy cập '{id}' đã bị thu hồi từ trước.",
        "The token '{id}' was already revoked.",
    ),
    "server.bad_role": (
        "Vai trò '{role}' không hợp lệ (office hoặc hq).",
        "The role '{role}' is not valid (office or hq).",
    ),
    "server.bad_expiry": (
        "Số ngày hiệu lực phải là số nguyên dương, không phải {value}.",
        "The number of days must be a positive whole number, not {value}.",
    ),
    "server.db_unreadable": (
        "Không mở được cơ sở dữ liệu máy chủ {path} ({detail}).",
        "Cannot open the server database {path} ({detail}).",
    ),
    "server.db_newer": (
        "Cơ sở dữ liệu {path} được tạo bởi phiên bản máy chủ mới hơn (định dạng {found}). "
        "Hãy cập nhật sotay-server.",
        "The database {path} was written by a newer server (format {found}). Please upgrade "
        "sotay-server.",
    ),
    "server.port_in_use": (
        "Không mở được cổng {host}:{port} ({detail}).",
        "Cannot listen on {host}:{port} ({detail}).",
    ),
    "server.listening": (
        "Máy chủ Sổ tay đang chạy tại {url}",
        "Sổ tay server listening on {url}",
    ),
    "server.token_created": (
        "Đã tạo mã truy cập {id} cho văn phòng {office} (vai trò {role}). Mã chỉ hiện MỘT lần, "
        "hãy lưu lại ngay:",
        "Created token {id} for office {office} (role {role}). It is shown ONCE; save it now:",
    ),
    "server.token_revoked": ("Đã thu hồi mã truy cập {id}.", "Revoked token {id}."),
    "server.office_added": (
        "Đã thêm văn phòng {scope} ({name}).",
        "Added office {scope} ({name}).",
    ),
    # --- reasons a pushed op was rejected ---------------------------------------------
    "sync.reject.unknown_kind": (
        "Loại bản ghi '{kind}' không tồn tại trên máy chủ.",
        "The record kind '{kind}' does not exist on the server.",
    ),
    "sync.reject.kind_mismatch": (
        "Bản ghi '{id}' trên máy chủ là {current}, không phải {kind}.",
        "The record '{id}' is a {current} on the server, not a {kind}.",
    ),
    "sync.reject.bad_field": (
        "Bản ghi {kind} không có trường '{field}'.",
        "Records of kind {kind} have no field '{field}'.",
    ),
    "sync.reject.bad_value": (
        "Giá trị của trường '{field}' không hợp lệ.",
        "The value of the field '{field}' is not valid.",
    ),
    "sync.reject.bad_scope": (
        "'{scope}' không phải phạm vi hợp lệ.",
        "'{scope}' is not a valid scope.",
    ),
    "sync.reject.too_many_fields": (
        "Một thay đổi có quá nhiều trường ({count}, tối đa {limit}).",
        "One change has too many fields ({count}, at most {limit}).",
    ),
    "sync.reject.server_owned": (
        "Chỉ máy chủ mới được ghi bản ghi loại {kind}; thay đổi này bị bỏ qua.",
        "Only the server writes records of kind {kind}; this change was not applied.",
    ),
    "sync.reject.not_a_conflict": (
        "'{id}' không phải xung đột của bản ghi này trên máy chủ (hoặc nằm ngoài phạm vi "
        "của văn phòng).",
        "'{id}' is not a conflict of this record on the server (or it is outside this "
        "office's scope).",
    ),
    "sync.reject.already_resolved": (
        "Xung đột '{id}' đã được {resolved_by} giải quyết trước; lựa chọn này không được áp dụng.",
        "The conflict '{id}' was already resolved by {resolved_by}; this choice was not applied.",
    ),
    "sync.reject.out_of_scope": (
        "Văn phòng {office} không được sửa bản ghi thuộc phạm vi {scope}.",
        "Office {office} may not change records in {scope}.",
    ),
}

register(messages=SERVER_MESSAGES)

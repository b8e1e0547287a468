"""Errors of talking to the central service, part of the one hierarchy in domain.errors.

::

    SotayError
    └── SyncError
        ├── Offline            the server could not be reached (after retries)
        ├── ServerUnavailable  it answered 5xx / 429 every time
        ├── AuthFailed         401: no, wrong, revoked or expired token
        ├── Forbidden          403
        ├── UpgradeRequired    426: this app is too old for the server
        ├── ServerMismatch     a different or reset server: refused, nothing deleted
        │   └── ServerForgot   it has forgotten ops it acknowledged (an old backup)
        ├── NotLoggedIn        no server or token configured
        └── ProtocolError      an answer this client cannot read
"""

from __future__ import annotations

from domain.errors import SotayError
from domain.i18n import register


class SyncError(SotayError):
    key = "sync.error"
    exit_code = 10


class Offline(SyncError):
    key = "sync.offline"
    exit_code = 11


class ServerUnavailable(SyncError):
    key = "sync.unavailable"
    exit_code = 12


class AuthFailed(SyncError):
    key = "sync.auth"
    exit_code = 13


class Forbidden(SyncError):
    key = "sync.forbidden"
    exit_code = 14


class UpgradeRequired(SyncError):
    key = "sync.upgrade"
    exit_code = 15


class ServerMismatch(SyncError):
    key = "sync.server_mismatch"
    exit_code = 16


class ServerForgot(ServerMismatch):
    key = "sync.server_forgot"


class NotLoggedIn(SyncError):
    key = "sync.not_logged_in"
    exit_code = 18


class ProtocolError(SyncError):
    key = "sync.protocol"
    exit_code = 19


register(
    messages={
        "sync.error": ("Đồng bộ không thành công: {detail}", "Sync failed: {detail}"),
        "sync.offline": (
            "Không kết nối được máy chủ {server} ({detail}). Các thay đổi vẫn được giữ trên máy "
            "này và sẽ gửi đi khi có mạng.",
            "Cannot reach the server {server} ({detail}). Your changes stay on this computer and "
            "will be sent when the link is back.",
        ),
        "sync.unavailable": (
            "Máy chủ {server} đang bận hoặc gặp sự cố (mã {status}). Thay đổi vẫn được giữ; sẽ "
            "thử lại sau.",
            "The server {server} is busy or failing (status {status}). Changes are kept; will "
            "try again later.",
        ),
        "sync.auth": (
            "Máy chủ từ chối mã truy cập: {detail}",
            "The server refused the token: {detail}",
        ),
        "sync.forbidden": (
            "Máy chủ không cho phép: {detail}",
            "The server does not allow this: {detail}",
        ),
        "sync.upgrade": (
            "Máy chủ dùng phiên bản giao thức mới hơn: {detail} Các thay đổi chưa gửi vẫn được giữ.",
            "The server speaks a newer protocol: {detail} Unsent changes are kept.",
        ),
        "sync.server_mismatch": (
            "Máy chủ {server} không phải máy chủ mà hồ sơ này đã đồng bộ trước đây (hoặc đã bị "
            "cài lại: {detail}). Để an toàn, không đồng bộ và không xóa gì trên máy này. Nếu đúng "
            "là máy chủ mới, chạy: sotay sync --adopt-server",
            "The server {server} is not the one this profile synced with before (or it was "
            "reset: {detail}). To be safe nothing was synced or deleted here. If it really is the "
            "new server, run: sotay sync --adopt-server",
        ),
        "sync.server_forgot": (
            "Máy chủ {server} đã quên những thay đổi nó từng xác nhận với máy này (đã xác nhận "
            "đến thay đổi số {acked}, nay máy chủ chỉ biết đến số {last}); có thể máy chủ vừa được "
            "khôi phục từ một bản sao lưu cũ. Để không mất dữ liệu, lần này không đồng bộ gì. "
            "Dữ liệu trên máy này vẫn đầy đủ; chạy: sotay sync --adopt-server để gửi lại cho máy chủ.",
            "The server {server} has forgotten changes it confirmed to this computer (confirmed up "
            "to change {acked}, it now knows only up to {last}); it was probably restored from an "
            "old backup. To lose nothing, nothing was synced. This computer still has all its "
            "data; run: sotay sync --adopt-server to send it to the server again.",
        ),
        "sync.removals_held": (
            "Máy chủ yêu cầu gỡ {count} bản ghi khỏi máy này (không còn thuộc phạm vi của văn "
            "phòng). Để an toàn, chúng được giữ lại chờ xác nhận; xem: sotay removals",
            "The server asks to remove {count} records from this computer (no longer within the "
            "office's reach). To be safe they are kept until you confirm; see: sotay removals",
        ),
        "sync.not_logged_in": (
            "Chưa cấu hình máy chủ. Chạy: sotay login --server URL --token MÃ",
            "No server configured. Run: sotay login --server URL --token TOKEN",
        ),
        "sync.protocol": (
            "Máy chủ trả lời không đúng giao thức ({detail}).",
            "The server's answer does not follow the protocol ({detail}).",
        ),
        "sync.clock_skew": (
            "Đồng hồ máy này lệch {minutes} phút so với máy chủ. Hãy chỉnh lại giờ (giờ không "
            "ảnh hưởng việc gộp dữ liệu, nhưng thời điểm sửa hiển thị sẽ sai).",
            "This computer's clock is {minutes} minutes off the server's. Please set the time "
            "(it does not affect merging, but shown edit times will be wrong).",
        ),
    }
)

register(
    labels={"sync.conflict_waiting": (" (chờ đồng bộ)", " (waiting to sync)")},
    messages={
        "sync.conflict_not_server": (
            "{id} không phải xung đột do máy chủ ghi nhận; không thể giải quyết.",
            "{id} is not a conflict the server recorded; it cannot be resolved.",
        ),
        "sync.conflict_closed": (
            "Xung đột {id} đã được giải quyết{waiting}.",
            "Conflict {id} is already resolved{waiting}.",
        ),
        "sync.conflict_move_back": (
            "Không thể chuyển bản ghi về {scope}: văn phòng {office} không được sửa bản ghi ở "
            "{current}. Chọn --keep current (chấp nhận) hoặc --keep copy (tạo bản sao ở {scope}).",
            "Cannot move the record back to {scope}: office {office} may not change records in "
            "{current}. Choose --keep current (accept) or --keep copy (a copy in {scope}).",
        ),
        "sync.conflict_copy_scope": (
            "Chỉ xung đột về phạm vi mới tạo bản sao được; chọn --keep current hoặc --keep other.",
            "Only a conflict about a record's scope can be kept as a copy; choose --keep current "
            "or --keep other.",
        ),
        "sync.resolve_ambiguous": (
            "Cả hai giá trị đều không do văn phòng này sửa: hãy chọn --keep current (giữ giá trị "
            "hiện tại) hoặc --keep other (lấy giá trị còn lại).",
            "Neither value was written by this office: choose --keep current or --keep other.",
        ),
        "sync.login_other_server": (
            "Lưu ý: {server} không phải máy chủ mà hồ sơ này đã đồng bộ trước đây (hoặc đã được "
            "cài lại). Lần đồng bộ tới sẽ bị từ chối để bảo vệ dữ liệu; nếu đúng là máy chủ mới, "
            "chạy: sotay sync --adopt-server",
            "Note: {server} is not the server this profile synced with before (or it was reset). "
            "The next sync will be refused to protect your data; if it really is the new server, "
            "run: sotay sync --adopt-server",
        ),
        "sync.login_ok": (
            "Đã kết nối máy chủ {server} (mã máy chủ {server_id}). Mã truy cập được lưu riêng, "
            "chỉ người dùng này đọc được: {path}",
            "Connected to {server} (server {server_id}). The token is stored apart, readable only "
            "by you: {path}",
        ),
    },
)

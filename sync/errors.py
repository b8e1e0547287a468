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
        ├── MassRemoval        the answer would remove most local data: refused
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


class MassRemoval(SyncError):
    key = "sync.mass_removal"
    exit_code = 17


class NotLoggedIn(SyncError):
    key = "sync.not_logged_in"
    exit_code = 18


class ProtocolError(SyncError):
    key = "sync.protocol"
    exit_code = 19


register(messages={
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
    "sync.auth": ("Máy chủ từ chối mã truy cập: {detail}", "The server refused the token: {detail}"),
    "sync.forbidden": ("Máy chủ không cho phép: {detail}", "The server does not allow this: {detail}"),
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
    "sync.mass_removal": (
        "Máy chủ yêu cầu gỡ {count} trên {total} bản ghi của máy này. Để an toàn, không gỡ "
        "gì cả; hãy liên hệ quản trị viên.",
        "The server asks to remove {count} of this computer's {total} records. To be safe "
        "nothing was removed; please contact your administrator.",
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
})

register(messages={
    "sync.resolve_ambiguous": (
        "Cả hai giá trị đều không do văn phòng này sửa: hãy chọn --keep current (giữ giá trị "
        "hiện tại) hoặc --keep other (lấy giá trị còn lại).",
        "Neither value was written by this office: choose --keep current or --keep other.",
    ),
    "sync.login_ok": (
        "Đã kết nối máy chủ {server} (mã máy chủ {server_id}). Mã truy cập được lưu riêng, "
        "chỉ người dùng này đọc được: {path}",
        "Connected to {server} (server {server_id}). The token is stored apart, readable only "
        "by you: {path}",
    ),
})

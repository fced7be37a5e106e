"""The reporting cycle (issue 13): calendar, days to the deadline, and the approval state machine.

Pure functions: no SQL (chitieu/store/cycle.py), no Streamlit.

Default calendar, following the frame of Nghị định 09/2019/NĐ-CP (chế độ báo cáo của cơ quan
hành chính nhà nước), Điều 12 "thời gian chốt số liệu": a periodic report's figures are cut
off on the 14th of the last month of the period (counted from the 15th of the month before the
period; 6-month and annual reports from 15 December of the year before). The decree leaves the
date a report is due to whoever issues the reporting regime; provinces commonly ask their
communes and districts for it a few days after the cut-off, so the default due date here is the
20th of the period's last month. For a cumulative period of N months (Q1 = 3, "6 tháng" = 6,
"9 tháng" = 9, "cả năm" = 12, any "N tháng"): cut-off = 14/N, due = 20/N of the plan's year.
An administrator overrides any (year, period) in the store; overrides win.

States of one locality's figures for (year, period):
    (none) --submit--> submitted --approve--> approved (locked) --unlock--> unlocked
                        submitted --return-->  returned --submit--> submitted
                        unlocked  --submit--> submitted
Only `approved` locks: uploads and undo touching that (locality, year, period) are refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chitieu import filetypes
from chitieu.errors import UserError
from chitieu.periods import parse_period, period_year

CUTOFF_DAY = 14   # Nghị định 09/2019/NĐ-CP, Điều 12: figures are cut off on the 14th
DUE_DAY = 20      # product default (the decree leaves the due date to the issuer of the regime)

STATES = ("submitted", "returned", "approved", "unlocked")
STATE_VI = {None: "Chưa gửi", "": "Chưa gửi", "submitted": "Đã gửi, chờ duyệt", "returned": "Bị trả lại",
            "approved": "Đã duyệt (khoá)", "unlocked": "Đã mở khoá"}
ACTION_VI = {"submit": "gửi duyệt", "approve": "duyệt", "return": "trả lại", "unlock": "mở khoá"}
STATE_EN = {None: "Not submitted", "": "Not submitted", "submitted": "Submitted, awaiting approval",
            "returned": "Returned", "approved": "Approved (locked)", "unlocked": "Unlocked"}
# An explanation request: open (waiting for the answer) -> answered (a later answer replaces it) -> closed.
REQUEST_STATE = {"open": ("chưa trả lời", "not answered"), "answered": ("đã trả lời", "answered"),
                 "closed": ("đã đóng", "closed")}
# What an analyst may attach to an answer, decided by content (chitieu.filetypes), within the upload
# size limit (CHITIEU_UPLOAD_MAX_MB): documents and scans or photos of them.
ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "png", "jpeg")
ATTACHMENT_MIME = {"pdf": "application/pdf",
                   "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   "png": "image/png", "jpeg": "image/jpeg"}
_EXTENSION = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "png": ".png", "jpeg": ".jpg"}
# action -> (states it may start from, the state it leads to)
_MOVES = {
    "submit": ((None, "returned", "unlocked"), "submitted"),
    "approve": (("submitted",), "approved"),
    "return": (("submitted",), "returned"),
    "unlock": (("approved",), "unlocked"),
}
LEADER_ACTIONS = ("approve", "return", "unlock")


@dataclass(frozen=True)
class Deadline:
    year: int
    period: str          # canonical period code (Q1, H1, 9M, FY, NM)
    cutoff: date
    due: date
    source: str = "default"   # default / admin

    @property
    def label_vi(self) -> str:
        return parse_period(self.period).label_vi


def default_deadline(year: int, period) -> Deadline:
    """The default cut-off and due date of a cumulative period of `year`."""
    p = parse_period(period)
    return Deadline(int(year), p.code, date(int(year), p.months, CUTOFF_DAY), date(int(year), p.months, DUE_DAY))


def deadline(year: int, period, overrides: dict | None = None) -> Deadline:
    """The administrator's dates for (year, period) when set, else the default.
    `overrides`: {(year, period_code): (cutoff, due)}."""
    d = default_deadline(year, period)
    got = (overrides or {}).get((d.year, d.period))
    return Deadline(d.year, d.period, got[0], got[1], "admin") if got else d


def check_dates(cutoff: date, due: date) -> None:
    """An administrator's dates must be real and the due date not before the cut-off."""
    if not isinstance(cutoff, date) or not isinstance(due, date):
        raise UserError("invalid-date", "Ngày chốt số liệu và hạn nộp phải là ngày hợp lệ.",
                        "The cut-off and due dates must be valid dates.")
    if due < cutoff:
        raise UserError("due-before-cutoff",
                        f"Hạn nộp ({due:%d/%m/%Y}) không được trước ngày chốt số liệu ({cutoff:%d/%m/%Y}).",
                        f"The due date ({due:%d/%m/%Y}) cannot be before the cut-off ({cutoff:%d/%m/%Y}).")


def days_to_due(due: date, today: date) -> int:
    """Positive: days left; 0: due today; negative: days past the due date."""
    return (due - today).days


def due_text(days: int, lang: str = "vi") -> str:
    if lang == "en":
        return "due today" if days == 0 else (f"{days} days left" if days > 0 else f"{-days} days late")
    return "đến hạn hôm nay" if days == 0 else (f"còn {days} ngày" if days > 0 else f"quá hạn {-days} ngày")


def next_state(current: str | None, action: str) -> str:
    """The state after `action`, or UserError 'invalid-step' saying why it cannot be done now."""
    if action not in _MOVES:
        raise UserError("invalid-step", f"Thao tác không hợp lệ: {action}.", f"Unknown step: {action}.")
    starts, after = _MOVES[action]
    if (current or None) not in starts:
        shown = STATE_VI.get(current or None, current)
        raise UserError("invalid-step",
                        f"Không thể {ACTION_VI[action]} khi số liệu đang ở trạng thái “{shown}”.",
                        f"Cannot {action} figures that are {current or 'not submitted'}.")
    return after


def locked_message(name: str, period_label: str, year: int, period_label_en: str | None = None) -> tuple[str, str]:
    """The (vi, en) sentences for a refused write to an approved period."""
    return (f"Số liệu {period_year(period_label, year, start=False)} của {name} đã được lãnh đạo duyệt và khoá; "
            "chưa thay đổi gì. Cần lãnh đạo mở khoá (kèm lý do) trước khi tải lên hoặc hoàn tác.",
            f"The {period_year(period_label_en or period_label, year, 'en', start=False)} figures of {name} are "
            "approved and locked; nothing was changed. "
            "A leader must unlock them (with a reason) before any upload or undo.")


def state_label(state: str | None, lang: str = "vi") -> str:
    """A locality's figures for a period, in words (None: not submitted)."""
    table = STATE_EN if lang == "en" else STATE_VI
    return table.get(state or None, state or "")


def request_state_label(state: str, lang: str = "vi") -> str:
    pair = REQUEST_STATE.get(state)
    return (pair[1] if lang == "en" else pair[0]) if pair else str(state)


def check_attachment(data: bytes, name: str | None) -> tuple[str, str]:
    """(file name to store, kind) of a file attached to an answer, or UserError with the product's upload
    rules (empty, too large, password-protected, not a PDF / Word / Excel / PNG / JPEG by its content,
    damaged or bomb-like package). The stored name ends with the extension of what the file really is."""
    kind = filetypes.check_upload(data, name, ATTACHMENT_KINDS)
    shown = filetypes.safe_name(name)
    ext = _EXTENSION[kind]
    stem = shown.rsplit(".", 1)[0] if "." in shown else shown
    if not shown.lower().endswith(ext) and not (kind == "jpeg" and shown.lower().endswith(".jpeg")):
        shown = f"{stem or 'tep'}{ext}"
    return shown, kind


def size_text(n: int, lang: str = "vi") -> str:
    """'12 KB', '1,5 MB' ('1.5 MB' in English): chitieu.filetypes.size_text, the one size format."""
    return filetypes.size_text(n, lang)


def request_steps(req: dict, lang: str = "vi") -> list[str]:
    """The history of one explanation request, oldest first, each step with its date and who:
    ['Yêu cầu 02/12/2026 (ld_bto)', 'Trả lời 03/12/2026 (ba_to)', 'Đóng 04/12/2026 (ld_bto)'].
    `req` holds created_at/by, answered_at/by, closed_at/by (missing or empty where not done)."""
    words = {"vi": ("Yêu cầu", "Trả lời", "Đóng", "chưa trả lời"),
             "en": ("Requested", "Answered", "Closed", "not answered yet")}["en" if lang == "en" else "vi"]
    out = []
    for word, at, by in ((words[0], req.get("created_at"), req.get("created_by")),
                         (words[1], req.get("answered_at"), req.get("answered_by")),
                         (words[2], req.get("closed_at"), req.get("closed_by"))):
        if _missing(at):
            if word == words[1] and req.get("state") == "open":
                out.append(words[3])
            continue
        out.append(f"{word} {at:%d/%m/%Y}" + (f" ({by})" if isinstance(by, str) and by else ""))
    return out


def _missing(v) -> bool:
    return v is None or v != v or str(v) in ("NaT", "")

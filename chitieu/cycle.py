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

from chitieu.errors import UserError
from chitieu.periods import parse_period

CUTOFF_DAY = 14   # Nghị định 09/2019/NĐ-CP, Điều 12: figures are cut off on the 14th
DUE_DAY = 20      # product default (the decree leaves the due date to the issuer of the regime)

STATES = ("submitted", "returned", "approved", "unlocked")
STATE_VI = {None: "Chưa gửi", "": "Chưa gửi", "submitted": "Đã gửi, chờ duyệt", "returned": "Bị trả lại",
            "approved": "Đã duyệt (khoá)", "unlocked": "Đã mở khoá"}
ACTION_VI = {"submit": "gửi duyệt", "approve": "duyệt", "return": "trả lại", "unlock": "mở khoá"}
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


def locked_message(name: str, period_label: str, year: int) -> tuple[str, str]:
    """The (vi, en) sentences for a refused write to an approved period."""
    return (f"Số liệu {period_label} năm {year} của {name} đã được lãnh đạo duyệt và khoá; chưa thay đổi gì. "
            "Cần lãnh đạo mở khoá (kèm lý do) trước khi tải lên hoặc hoàn tác.",
            f"The {period_label} {year} figures of {name} are approved and locked; nothing was changed. "
            "A leader must unlock them (with a reason) before any upload or undo.")

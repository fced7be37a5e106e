"""The Excel template for reporting actuals: one row per target of each locality and year.

Locked cells hold what the plan says (locality, indicator, scope, unit, target); the analyst
fills Kỳ báo cáo (drop-down), Số thực hiện, Tình trạng số liệu (drop-down), Số cấp trên giao
and Ghi chú. The sheet is protected without a password (structure only, not secrecy).
Every text cell written is escaped against formula injection (= + - @ at the start).
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from chitieu.actuals import LocalityIndex
from chitieu.errors import UserError
from chitieu.excel_safe import escape_cell
from chitieu.model import COMPARATOR_SYMBOLS

# A cell may not start with "=" (safe() would write the text "'="): the comparators that read as
# a sign in a sentence are written as words here.
_TEMPLATE_WORDS = {"eq": "bằng", "between": "từ … đến"}
from chitieu.periods import PERIOD_CHOICES, STANDING_CHOICES
from chitieu.store.plans import targets_for

DATA_SHEET, LISTS_SHEET, HELP_SHEET = "Số liệu", "Danh mục", "Hướng dẫn"
HEADER_ROW = 4
# (header, width, filled by the analyst)
COLUMNS = [
    ("Mã địa phương", 16, False), ("Địa phương", 24, False), ("Năm", 7, False), ("Mã chỉ tiêu", 22, False),
    ("Tên chỉ tiêu", 48, False), ("Phạm vi", 18, False), ("So sánh", 9, False), ("Chỉ tiêu kế hoạch", 14, False),
    ("Cận trên", 10, False), ("Đơn vị tính", 14, False), ("Kỳ báo cáo", 12, True), ("Số thực hiện", 14, True),
    ("Tình trạng số liệu", 16, True), ("Số cấp trên giao", 14, True), ("Ghi chú", 30, True),
]
INSTRUCTIONS = [
    "HƯỚNG DẪN NHẬP SỐ LIỆU THỰC HIỆN CHỈ TIÊU",
    "",
    "1. Mỗi dòng ở trang 'Số liệu' là một chỉ tiêu trong kế hoạch của địa phương. Các cột xám (địa phương, "
    "chỉ tiêu, phạm vi, đơn vị, chỉ tiêu kế hoạch) được khóa: không sửa.",
    "2. Chọn 'Kỳ báo cáo' trong danh sách: Quý I, 6 tháng, 9 tháng, Cả năm, hoặc N tháng (số lũy kế từ đầu năm).",
    "3. Nhập 'Số thực hiện' theo đơn vị tính của dòng đó. Có thể gõ số kiểu Việt Nam: 1.192,5 (dấu chấm ngăn "
    "hàng nghìn, dấu phẩy thập phân), hoặc 96% cho tỷ lệ. Ô định dạng phần trăm hiển thị 96 % được hiểu là 96.",
    "4. Chỉ tiêu định tính: nhập 'Đạt' hoặc 'Không đạt'.",
    "5. Chọn 'Tình trạng số liệu': Ước tính, Sơ bộ hoặc Chính thức. Số chính thức nhập sau sẽ thay số ước tính "
    "và được ghi nhận là điều chỉnh; số cũ vẫn được lưu trong lịch sử.",
    "6. 'Số cấp trên giao': chỉ dùng cho chỉ tiêu 'vượt chỉ tiêu cấp trên giao' khi đã có số giao.",
    "7. Muốn báo cáo nhiều kỳ cho cùng một chỉ tiêu: sao chép dòng, đổi kỳ báo cáo (mở khóa trang: "
    "Xem lại > Bỏ bảo vệ trang, không cần mật khẩu).",
    "8. Dòng để trống 'Số thực hiện' sẽ được bỏ qua. Khi tải lên, hệ thống kiểm tra thử trước và cho biết "
    "từng dòng hợp lệ, cảnh báo hay lỗi; chỉ lưu khi bạn xác nhận và không còn lỗi.",
]
_LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")


safe = escape_cell  # text a spreadsheet would run as a formula gets an apostrophe

def resolve_localities(con, names: list[str], with_children: bool = False) -> list[tuple[str, str, str]]:
    """(scheme, code, name) for each name or "scheme:code"; with_children adds a district's communes."""
    cur = con.cursor()
    rows = cur.execute(
        "SELECT l.scheme, l.code, l.name, coalesce(l.parent_scheme, u.scheme), coalesce(l.parent_code, u.parent_code) "
        "FROM localities l LEFT JOIN admin_units u ON u.scheme = l.scheme AND u.code = l.code").fetchall()
    cur.close()
    index = LocalityIndex([(s, c, n) for s, c, n, _, _ in rows])
    out: list[tuple[str, str, str]] = []
    for name in names:
        key, problem, hints = index.resolve(name if ":" in name else "", name if ":" not in name else "")
        if not key:
            hint = f" Có phải là: {', '.join(hints)}?" if hints else ""
            raise UserError(problem, f'Không tìm thấy địa phương "{name}".{hint}',
                            f'Locality "{name}" not found ({problem}).')
        out.append((*key, index.by_key[key]))
        if with_children:
            out += [(s, c, n) for s, c, n, ps, pc in rows if (ps, pc) == key]
    return list(dict.fromkeys(out))


def _lists_sheet(wb: Workbook) -> tuple[str, str]:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.append(["Kỳ báo cáo", "Tình trạng số liệu", "Định tính"])
    for i, (_, label) in enumerate(PERIOD_CHOICES, start=2):
        ws.cell(i, 1, label)
    for i, (_, label) in enumerate(STANDING_CHOICES, start=2):
        ws.cell(i, 2, label)
    ws.cell(2, 3, "Đạt")
    ws.cell(3, 3, "Không đạt")
    ws.sheet_state = "hidden"
    ref = f"'{LISTS_SHEET}'!"
    return (f"={ref}$A$2:$A${len(PERIOD_CHOICES) + 1}", f"={ref}$B$2:$B${len(STANDING_CHOICES) + 1}")


def build_template(con, localities: list[tuple[str, str, str]], year: int) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    names = ", ".join(n for _, _, n in localities)
    ws["A1"] = safe(f"Biểu nhập số liệu thực hiện chỉ tiêu năm {year} — {names}")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "Nhập các cột màu trắng; xem trang 'Hướng dẫn'. Không đổi tên cột."
    for c, (header, width, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    period_list, standing_list = _lists_sheet(wb)
    dv_period = DataValidation(type="list", formula1=period_list, allow_blank=True,
                               error="Chọn kỳ báo cáo trong danh sách.", errorTitle="Kỳ báo cáo")
    dv_standing = DataValidation(type="list", formula1=standing_list, allow_blank=True,
                                 error="Chọn: Ước tính, Sơ bộ hoặc Chính thức.", errorTitle="Tình trạng số liệu")
    dv_verdict = DataValidation(type="list", formula1=f"='{LISTS_SHEET}'!$C$2:$C$3", allow_blank=True)
    for dv in (dv_period, dv_standing, dv_verdict):
        ws.add_data_validation(dv)
    r = HEADER_ROW
    for scheme, code, name in localities:
        targets = targets_for(con, scheme, code, year)
        for t in targets.itertuples(index=False):
            r += 1
            values = [f"{scheme}:{code}", name, year, t.indicator, t.indicator_name_vi, t.scope or "",
                      _TEMPLATE_WORDS.get(t.comparator) or COMPARATOR_SYMBOLS.get(t.comparator, t.comparator),
                      None if t.value != t.value else t.value, None if t.value_high != t.value_high else t.value_high,
                      t.unit or "", None, None, None, None, None]
            for c, (v, (_, _, editable)) in enumerate(zip(values, COLUMNS), start=1):
                cell = ws.cell(r, c, safe(v))
                if editable:
                    cell.protection = Protection(locked=False)
                else:
                    cell.fill = _LOCKED_FILL
            if t.comparator == "qualitative":
                dv_verdict.add(f"L{r}")
    if r == HEADER_ROW:
        raise UserError("no-plan-for-year", f"Chưa có kế hoạch năm {year} cho {names}: không có chỉ tiêu để lập biểu.",
                        f"No plan for {year} for {names}: there are no targets to put in a template.")
    dv_period.add(f"K{HEADER_ROW + 1}:K{r}")
    dv_standing.add(f"M{HEADER_ROW + 1}:M{r}")
    ws.freeze_panes = f"F{HEADER_ROW + 1}"
    ws.protection.sheet = True          # no password: the lock guards structure, not secrets
    ws.protection.formatColumns = False
    ws.protection.autoFilter = False
    ws.auto_filter.ref = f"A{HEADER_ROW}:O{r}"
    help_ws = wb.create_sheet(HELP_SHEET, 0)
    for i, line in enumerate(INSTRUCTIONS, start=1):
        help_ws.cell(i, 1, safe(line)).alignment = Alignment(wrap_text=True)
    help_ws["A1"].font = Font(bold=True, size=13)
    help_ws.column_dimensions["A"].width = 110
    wb.active = 1
    return wb


def template_bytes(con, localities: list[str], year: int, with_children: bool = False) -> bytes:
    """The template as .xlsx bytes (dashboard download button); localities are names or scheme:code."""
    wb = build_template(con, resolve_localities(con, localities, with_children), int(year))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""Read an uploaded workbook of actuals into one canonical long table of raw rows.

Two shapes are accepted:
- the template (`loaders.actuals.excel_template`): one row per target, with columns
  Mã địa phương, Mã chỉ tiêu, Phạm vi, Kỳ báo cáo, Số thực hiện, Tình trạng số liệu, ...
- the "wide" sheet analysts already keep: localities in rows, indicators in columns, headers
  matched with the catalogue names and aliases (folded, a trailing "(đơn vị)" ignored).

Reading uses python-calamine (fast). The file kind is decided from its content (magic bytes),
never its name. Raw rows keep cells as read; `chitieu.actuals.validate` interprets them.
Expected failures raise `UserError` with a stable code and a Vietnamese + English message.
"""
from __future__ import annotations

import io
from functools import lru_cache
import re
import zipfile
from dataclasses import dataclass, field

from chitieu.actuals import indicator_index, match_indicator
from chitieu.catalogue import Indicator, default_catalogue
from chitieu.errors import UserError
from chitieu.excel_safe import unescape_cell
from chitieu.filetypes import check_upload, safe_name
from chitieu.textnorm import fold, nfc


# Folded header -> field. Shared by both shapes (the template writes the first spelling).
HEADER_FIELDS = {
    "locality_ref": ["ma dia phuong", "locality code"],
    "locality": ["dia phuong", "ten dia phuong", "don vi hanh chinh", "xa phuong", "xa phuong thi tran",
                 "locality", "ten don vi", "don vi"],
    "year": ["nam", "year", "nam bao cao"],
    "indicator": ["ma chi tieu", "indicator code"],
    "indicator_name": ["ten chi tieu", "chi tieu", "indicator", "indicator name", "noi dung"],
    "scope": ["pham vi", "scope"],
    "comparator": ["so sanh", "comparator"],
    "target": ["chi tieu ke hoach", "ke hoach", "target", "chi tieu ke hoach nam"],
    "target_high": ["can tren", "target high"],
    "unit": ["don vi tinh", "dvt", "unit"],
    "period": ["ky bao cao", "ky", "period"],
    "value": ["so thuc hien", "thuc hien", "actual", "so lieu", "gia tri"],
    "standing": ["tinh trang so lieu", "muc do so lieu", "tinh trang", "standing"],
    "assigned": ["so cap tren giao", "chi tieu cap tren giao", "assigned"],
    "note": ["ghi chu", "note", "notes"],
    "source": ["nguon", "nguon so lieu", "source"],
    "ignore": ["stt", "tt", "so thu tu", "no"],
}
_FIELD_OF = {h: f for f, hs in HEADER_FIELDS.items() for h in hs}


@dataclass
class RawRow:
    """One value as read: where it was, and its cells untouched (text stripped, NFC)."""
    sheet: str
    row: int                     # 1-based Excel row
    column: str = ""             # Excel column letter of the value
    locality_ref: str = ""
    locality: str = ""
    year: object = None
    indicator: str = ""          # code or header text
    scope: str = ""
    period: object = None
    value: object = None
    value_percent_cell: bool = False   # the cell is formatted as a percentage (0.96 shown as 96 %)
    unit: str = ""
    standing: object = None
    assigned: object = None
    note: str = ""
    source: str = ""


@dataclass
class ReadResult:
    shape: str                   # template / wide
    rows: list[RawRow] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    skipped_columns: list[str] = field(default_factory=list)


def _err(code: str, vi: str, en: str) -> UserError:
    return UserError(code, vi, en)


def check_file(data: bytes, name: str = "") -> str:
    """Decide what the bytes are ('xlsx', 'xls' or 'ods') by content; UserError otherwise.

    Codes: empty-file, file-too-large, encrypted-file, wrong-file-type (chitieu.filetypes),
    corrupt-file (a ZIP that cannot be opened, e.g. a download cut short).
    """
    kind = check_upload(data, name, ("xlsx", "xls", "ods", "zip"))
    if kind == "zip":
        try:
            zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise _err("corrupt-file", f"Tệp {safe_name(name)} bị hỏng, không đọc được (có thể tải về chưa hết).",
                       f"The workbook {safe_name(name)} is corrupt and cannot be read (perhaps a cut download)."
                       ) from None
        raise _err("wrong-file-type", f"Tệp {safe_name(name)} là tệp nén ZIP, không phải bảng tính Excel.",
                   f"The file {safe_name(name)} is a ZIP archive, not an Excel workbook.")
    return kind


def _open(data: bytes, name: str):
    import python_calamine as pc
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise _err("encrypted-file", f"Tệp {name} được đặt mật khẩu; hãy bỏ mật khẩu rồi tải lên lại.",
                   f"The workbook {name} is password-protected; remove the password and upload again.") from None
    except Exception:  # calamine raises several types (ZipError, XmlError, CalamineError)
        raise _err("corrupt-file", f"Tệp {name} bị hỏng, không đọc được.",
                   f"The workbook {name} is corrupt and cannot be read.") from None


@lru_cache(maxsize=65536)   # the same names and codes repeat on every row of a large sheet
def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unescape_cell(nfc(str(v)).strip())


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _find_header(grid: list[list], index: dict[str, str]) -> tuple[int, str] | None:
    for r, cells in enumerate(grid[:20]):
        fields = {_FIELD_OF.get(fold(_text(c))) for c in cells if _text(c)}
        if {"indicator", "value"} <= fields:
            return r, "template"
        if fields & {"locality", "locality_ref"}:
            if any(match_indicator(_text(c), index) for c in cells if _text(c)
                   and _FIELD_OF.get(fold(_text(c))) is None):
                return r, "wide"
    return None


_TITLE_YEAR = re.compile(r"\bnam (\d{4})\b")
_TITLE_PERIOD = re.compile(r"\b(\d{1,2} thang|quy i|ca nam|6 thang dau nam)\b")


def _title_defaults(grid: list[list], header_row: int) -> tuple[int | None, str | None]:
    """Year and period written in the rows above a wide sheet's header ("Số liệu 6 tháng năm 2022")."""
    text = fold(" ".join(_text(c) for row in grid[:header_row] for c in row))
    y = _TITLE_YEAR.search(text)
    p = _TITLE_PERIOD.search(text)
    return (int(y.group(1)) if y else None), (p.group(1) if p else None)


def _percent_cells(data: bytes, kind: str) -> dict[str, set[tuple[int, int]]]:
    """(row, col) 0-based of cells with a percent number format, per sheet name (xlsx only).

    calamine returns values, not formats; a cell showing "96 %" holds 0.96, so the reader
    has to know which cells are percent-formatted to read them as 96.
    """
    if kind != "xlsx":
        return {}
    zf = zipfile.ZipFile(io.BytesIO(data))
    try:
        styles = zf.read("xl/styles.xml").decode("utf-8", "replace")
    except KeyError:
        return {}
    fmts = {int(i): c for i, c in re.findall(r'<numFmt [^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', styles)}
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    percent_styles = set()
    for i, xf in enumerate(re.findall(r"<xf\b([^>]*)", xfs.group(1) if xfs else "")):
        m = re.search(r'numFmtId="(\d+)"', xf)
        fid = int(m.group(1)) if m else 0
        if fid in (9, 10) or "%" in re.sub(r'"[^"]*"|\\.', "", fmts.get(fid, "").replace("&quot;", '"')):
            percent_styles.add(str(i))
    if not percent_styles:
        return {}
    wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, tgt = re.search(r'Id="([^"]+)"', rel), re.search(r'Target="([^"]+)"', rel)
        if rid and tgt:
            targets[rid.group(1)] = tgt.group(1).lstrip("/").removeprefix("xl/")
    out: dict[str, set[tuple[int, int]]] = {}
    for sheet in re.findall(r"<sheet\b[^>]*>", wb):
        nm, rid = re.search(r'name="([^"]*)"', sheet), re.search(r'r:id="([^"]+)"', sheet)
        if not (nm and rid and rid.group(1) in targets):
            continue
        xml = zf.read("xl/" + targets[rid.group(1)]).decode("utf-8", "replace")
        cells = set()
        for ref, s in re.findall(r'<c r="([A-Z]+\d+)"[^>]*?\bs="(\d+)"', xml):
            if s in percent_styles:
                letters = re.match(r"[A-Z]+", ref).group()
                col = 0
                for ch in letters:
                    col = col * 26 + ord(ch) - 64
                cells.add((int(ref[len(letters):]) - 1, col - 1))
        out[nfc(nm.group(1).replace("&amp;", "&"))] = cells
    return out


def read_workbook(data: bytes, name: str = "", catalogue: dict[str, Indicator] | None = None,
                  year: int | None = None, period: str | None = None) -> ReadResult:
    """Read every data sheet of an uploaded workbook into raw rows.

    `year` and `period` are defaults for a wide sheet that has no such column and does not
    name them in its title. Raises UserError for a file that cannot be read at all
    (wrong-file-type, corrupt-file, encrypted-file, file-too-large, empty-file, empty-sheet,
    no-header).
    """
    import python_calamine as pc
    kind = check_file(data, name)
    wb = _open(data, name)
    index = indicator_index(catalogue or default_catalogue())
    try:
        percent = _percent_cells(data, kind)
    except (KeyError, zipfile.BadZipFile, AttributeError):
        percent = {}
    result: ReadResult | None = None
    any_cells = False
    for meta in wb.sheets_metadata:
        if meta.visible != pc.SheetVisibleEnum.Visible or meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        try:
            grid = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception:
            raise _err("corrupt-file", f"Không đọc được trang {meta.name} của tệp {name}.",
                       f"Sheet {meta.name} of {name} cannot be read.") from None
        if any(_text(c) for row in grid for c in row):
            any_cells = True
        found = _find_header(grid, index)
        if not found:
            continue
        header_row, shape = found
        if result is None:
            result = ReadResult(shape=shape)
        result.sheets.append(meta.name)
        reader = _read_template if shape == "template" else _read_wide
        reader(grid, header_row, meta.name, index, percent.get(nfc(meta.name), set()), result, year, period)
    if result is None:
        if not any_cells:
            raise _err("empty-sheet", f"Tệp {name} không có dữ liệu (trang tính trống).",
                       f"The workbook {name} has no data (the sheet is empty).")
        raise _err("no-header",
                   f"Không tìm thấy dòng tiêu đề trong tệp {name}. Dùng biểu mẫu tải về từ Chỉ tiêu, hoặc bảng có "
                   "cột 'Địa phương' và mỗi chỉ tiêu một cột.",
                   f"No header row found in {name}. Use the downloaded template, or a sheet with a 'Địa phương' "
                   "column and one column per indicator.")
    return result


def _read_template(grid, header_row, sheet, index, percent, result, year, period):
    cols = {}
    for c, cell in enumerate(grid[header_row]):
        f = _FIELD_OF.get(fold(_text(cell)))
        if f and f not in cols:
            cols[f] = c
    vcol = cols["value"]

    def get(cells, f):
        c = cols.get(f)
        return cells[c] if c is not None and c < len(cells) else None

    for r in range(header_row + 1, len(grid)):
        cells = grid[r]
        if all(x in ("", None) for x in cells):
            continue
        value = get(cells, "value")
        result.rows.append(RawRow(
            sheet=sheet, row=r + 1, column=col_letter(vcol),
            locality_ref=_text(get(cells, "locality_ref")), locality=_text(get(cells, "locality")),
            year=get(cells, "year") if get(cells, "year") not in (None, "") else year,
            indicator=_text(get(cells, "indicator")) or _text(get(cells, "indicator_name")),
            scope=_text(get(cells, "scope")),
            period=get(cells, "period") if get(cells, "period") not in (None, "") else period,
            value=unescape_cell(value),
            value_percent_cell=(r, vcol) in percent and isinstance(value, (int, float)),
            unit=_text(get(cells, "unit")), standing=get(cells, "standing"), assigned=get(cells, "assigned"),
            note=_text(get(cells, "note")), source=_text(get(cells, "source"))))


def _read_wide(grid, header_row, sheet, index, percent, result, year, period):
    title_year, title_period = _title_defaults(grid, header_row)
    fields, indicators = {}, {}
    for c, cell in enumerate(grid[header_row]):
        h = _text(cell)
        if not h:
            continue
        f = _FIELD_OF.get(fold(h))
        if f and f not in ("indicator_name", "value", "target", "unit", "indicator"):
            fields.setdefault(f, c)
            continue
        # An unmatched header is kept as an indicator column; validation reports it
        # (unknown-indicator) when the column holds values.
        indicators[c] = match_indicator(h, index) or h
        if indicators[c] == h:
            result.skipped_columns.append(h)

    def get(cells, f):
        c = fields.get(f)
        return cells[c] if c is not None and c < len(cells) else None

    for r in range(header_row + 1, len(grid)):
        cells = grid[r]
        loc_ref, loc = _text(get(cells, "locality_ref")), _text(get(cells, "locality"))
        if not (loc_ref or loc):
            continue
        y = get(cells, "year")
        p = get(cells, "period")
        for c, ind in indicators.items():
            v = cells[c] if c < len(cells) else None
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            result.rows.append(RawRow(
                sheet=sheet, row=r + 1, column=col_letter(c), locality_ref=loc_ref, locality=loc,
                year=y if y not in (None, "") else (title_year or year), indicator=ind,
                scope=_text(get(cells, "scope")),
                period=p if p not in (None, "") else (title_period or period),
                value=unescape_cell(v),
                value_percent_cell=(r, c) in percent and isinstance(v, (int, float)),
                standing=get(cells, "standing"), note=_text(get(cells, "note")),
                source=_text(get(cells, "source"))))

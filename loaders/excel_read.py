"""Read an uploaded workbook of actuals into one canonical long table of raw rows.

Two shapes are accepted:
- the template (`loaders.excel_template`): one row per target, with columns
  Mã địa phương, Mã chỉ tiêu, Phạm vi, Kỳ báo cáo, Số thực hiện, Tình trạng số liệu, ...
- the "wide" sheet analysts already keep: localities in rows, indicators in columns, headers
  matched with the catalogue names and aliases (folded, a trailing "(đơn vị)" ignored).

Reading uses python-calamine (fast). The file kind is decided from its content (magic bytes),
never its name. Raw rows keep cells as read; `chitieu.actuals.validate` interprets them.
Expected failures raise `UserError` with a stable code and a Vietnamese + English message.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from chitieu import settings
from chitieu.actuals import indicator_index, match_indicator
from chitieu.catalogue import Indicator, default_catalogue
from chitieu.errors import UserError
from chitieu.textnorm import fold, nfc

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

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
_ESCAPED = re.compile(r"^'(?=[=+\-@])")


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
    """Decide what the bytes are: 'xlsx', 'xls' or 'ods'; raise UserError otherwise."""
    limit = settings.upload_max_bytes()
    if len(data) > limit:
        mb = limit / 1024 / 1024
        raise _err("file-too-large",
                   f"Tệp {name} quá lớn ({len(data) / 1024 / 1024:.1f} MB); giới hạn là {mb:g} MB.",
                   f"The file {name} is too large ({len(data) / 1024 / 1024:.1f} MB); the limit is {mb:g} MB.")
    if not data:
        raise _err("empty-file", f"Tệp {name} rỗng.", f"The file {name} is empty.")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _err("encrypted-workbook",
                       f"Tệp {name} được đặt mật khẩu. Hãy bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) "
                       "rồi tải lên lại.",
                       f"The workbook {name} is password-protected. Remove the password and upload it again.")
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        raise _err("not-excel", f"Tệp {name} không phải là bảng tính Excel (có thể là tệp Word cũ).",
                   f"The file {name} is not an Excel workbook (perhaps an old Word file).")
    if data.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise _err("corrupt-workbook", f"Tệp {name} bị hỏng, không đọc được.",
                       f"The workbook {name} is corrupt and cannot be read.") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        if "word/document.xml" in names:
            raise _err("not-excel", f"Tệp {name} là văn bản Word, không phải bảng tính Excel.",
                       f"The file {name} is a Word document, not an Excel workbook.")
        raise _err("not-excel", f"Tệp {name} không phải là bảng tính Excel.",
                   f"The file {name} is not an Excel workbook.")
    raise _err("not-excel",
               f"Tệp {name} không phải là bảng tính Excel (.xlsx). Hãy tải lên tệp tạo từ biểu mẫu hoặc "
               "bảng số liệu Excel.",
               f"The file {name} is not an Excel workbook (.xlsx). Upload the template or an Excel sheet.")


def _open(data: bytes, name: str):
    import python_calamine as pc
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise _err("encrypted-workbook", f"Tệp {name} được đặt mật khẩu; hãy bỏ mật khẩu rồi tải lên lại.",
                   f"The workbook {name} is password-protected; remove the password and upload again.") from None
    except Exception:  # calamine raises several types (ZipError, XmlError, CalamineError)
        raise _err("corrupt-workbook", f"Tệp {name} bị hỏng, không đọc được.",
                   f"The workbook {name} is corrupt and cannot be read.") from None


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _ESCAPED.sub("", nfc(str(v)).strip())


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
    (not-excel, corrupt-workbook, encrypted-workbook, file-too-large, empty-sheet).
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
            raise _err("corrupt-workbook", f"Không đọc được trang {meta.name} của tệp {name}.",
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
        if not any(_text(x) for x in cells):
            continue
        value = get(cells, "value")
        result.rows.append(RawRow(
            sheet=sheet, row=r + 1, column=col_letter(vcol),
            locality_ref=_text(get(cells, "locality_ref")), locality=_text(get(cells, "locality")),
            year=get(cells, "year") if get(cells, "year") not in (None, "") else year,
            indicator=_text(get(cells, "indicator")) or _text(get(cells, "indicator_name")),
            scope=_text(get(cells, "scope")),
            period=get(cells, "period") if get(cells, "period") not in (None, "") else period,
            value=_ESCAPED.sub("", value) if isinstance(value, str) else value,
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
                value=_ESCAPED.sub("", v) if isinstance(v, str) else v,
                value_percent_cell=(r, c) in percent and isinstance(v, (int, float)),
                standing=get(cells, "standing"), note=_text(get(cells, "note")),
                source=_text(get(cells, "source"))))

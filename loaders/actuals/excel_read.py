"""Read an uploaded workbook of actuals into one canonical long table of raw rows.

Two shapes are accepted:
- the template (`loaders.actuals.excel_template`): one row per target, with columns
  Mã địa phương, Mã chỉ tiêu, Phạm vi, Kỳ báo cáo, Số thực hiện, Tình trạng số liệu, ...
- the "wide" sheet analysts already keep: localities in rows, indicators in columns, headers
  matched with the catalogue names and aliases (folded, a trailing "(đơn vị)" ignored).

Reading uses python-calamine (fast). The file kind is decided from its content (magic bytes),
never its name. Raw rows keep cells as read; `chitieu.actuals.validate` interprets them.
Expected failures raise `UserError` with a stable code and a Vietnamese + English message.

Before calamine sees an .xlsx, `scan_xlsx` streams every sheet's XML once (bounded, no tree):
the largest cell reference actually present (calamine allocates rows x columns of the area it
spans: one cell at XFD1048576 is 512 GB) must keep the area under MAX_CELLS; it also notes the
cells holding a formula (`<f>`: calamine would hand back the cached result as if typed), the
error cells (`t="e"`: calamine gives them as empty) and the percent-formatted cells. The other
XML parts are checked for nesting depth. The server never calls this module directly: it runs
in a capped child process (`loaders.actuals.upload.read_isolated`, chitieu.isolation).
"""
from __future__ import annotations

import io
from functools import lru_cache
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from chitieu.matching import header_code, matcher_for
from chitieu.catalogue import Indicator, default_catalogue
from chitieu.errors import UserError
from chitieu.excel_safe import unescape_cell
from chitieu.filetypes import check_upload, check_xml_depth, safe_name
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

# Area of one sheet (rows x columns spanned, from A1): 4 million cells is 80 template rows for
# each of the 50,000 targets of the upload benchmark's file, 16x that file; calamine needs
# ~32 bytes a cell, so the worst accepted sheet costs ~130 MB in the reader, not 512 GB.
MAX_CELLS = 4_000_000
# Value rows in one file: 4x the 50,000-row benchmark (a province's communes x targets x periods).
MAX_VALUE_ROWS = 200_000


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
    formula: str = ""            # the value cell holds a formula (its text), not a typed figure
    cell_error: str = ""         # the value cell holds an Excel error (#DIV/0!, #N/A, ...)


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


_SPLIT = re.compile(r"\s*[/;|]\s*|\s+(?:và|va|and)\s+", re.I)


def header_fields(cells: list, spans: dict[int, int] | None = None) -> dict[int, str]:
    """Column -> field for one header row. A cell naming two fields ("Số thực hiện / Tình trạng")
    that spans as many columns (merged, or followed by empty header cells) gives them in order:
    merging the two headers must not lose the standing column."""
    out: dict[int, str] = {}
    for c, cell in enumerate(cells):
        h = fold(_text(cell))
        if not h:
            continue
        f = _FIELD_OF.get(h)
        if f:
            out.setdefault(c, f)
            continue
        parts = [_FIELD_OF.get(fold(x)) for x in _SPLIT.split(_text(cell)) if x.strip()]
        if len(parts) < 2 or None in parts:
            continue
        distinct = list(dict.fromkeys(parts))
        width = (spans or {}).get(c, 1)
        if width == 1:
            while c + width < len(cells) and not _text(cells[c + width]) and width < len(distinct):
                width += 1
        if len(distinct) == 1 or width < len(distinct):
            out.setdefault(c, distinct[0])      # "Số thực hiện / Actual": one field, two languages
        else:
            for i, f in enumerate(distinct):
                out.setdefault(c + i, f)
    return out


def _row_spans(merged, row: int) -> dict[int, int]:
    """Merged ranges starting on `row`: first column -> number of columns."""
    return {c0: c1 - c0 + 1 for (r0, c0), (_r1, c1) in merged or () if r0 == row}


def _find_header(grid: list[list], index: dict[str, str], merged=()) -> tuple[int, str] | None:
    for r, cells in enumerate(grid[:20]):
        fields = set(header_fields(cells, _row_spans(merged, r)).values())
        if {"indicator", "value"} <= fields:
            return r, "template"
        if fields & {"locality", "locality_ref"}:
            if any(header_code(_text(c), index) for c in cells if _text(c)
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


@dataclass
class SheetScan:
    """What the sheet XML says that calamine's values do not: cells 0-based (row, col)."""
    rows: int = 0                                                  # largest row number present
    cols: int = 0                                                  # largest column number present
    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


def _col_number(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col


_REF = re.compile(rb'<(?:c|row)\b[^>]*?\sr="([A-Z]{0,3})(\d{1,9})"')
_FORMULA = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})(\d{1,9})"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]{0,120}))')
_ERROR = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})(\d{1,9})"[^>]*?\st="e"[^>]*>'
                    rb'(?:\s*<f\b[^>]*?(?:/>|>[^<]*</f>))?\s*<v>([^<]{0,40})</v>')
_CUT = re.compile(rb"<(?:c|row)\b")
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\sref="([A-Z]{0,3})(\d{0,9})(?::([A-Z]{1,3})(\d{1,9}))?"')


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from workbook.xml and its relationships."""
    wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, tgt = re.search(r'Id="([^"]+)"', rel), re.search(r'Target="([^"]+)"', rel)
        if rid and tgt:
            t = tgt.group(1)
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out = {}
    for sheet in re.findall(r"<sheet\b[^>]*>", wb):
        nm, rid = re.search(r'name="([^"]*)"', sheet), re.search(r'r:id="([^"]+)"', sheet)
        if nm and rid and rid.group(1) in targets:
            name = nm.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
            out[nfc(name)] = targets[rid.group(1)]
    return out


def _percent_styles(zf: zipfile.ZipFile) -> re.Pattern | None:
    """A pattern for cells whose style shows a percentage, or None (calamine returns 0.96 for "96 %")."""
    try:
        styles = zf.read("xl/styles.xml").decode("utf-8", "replace")
    except KeyError:
        return None
    fmts = {int(i): c for i, c in re.findall(r'<numFmt [^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', styles)}
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    ids = []
    for i, xf in enumerate(re.findall(r"<xf\b([^>]*)", xfs.group(1) if xfs else "")):
        m = re.search(r'numFmtId="(\d+)"', xf)
        fid = int(m.group(1)) if m else 0
        if fid in (9, 10) or "%" in re.sub(r'"[^"]*"|\\.', "", fmts.get(fid, "").replace("&quot;", '"')):
            ids.append(str(i))
    if not ids:
        return None
    return re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})(\d{1,9})"[^>]*?\ss="(?:' + "|".join(ids).encode() + rb')"')


def _too_big(shown: str, sheet: str, rows: int, cols: int, declared: str = "") -> UserError:
    def vn(n: int) -> str:
        return f"{n:,}".replace(",", ".")
    if declared:
        return _err("sheet-too-large",
                    f"Trang {sheet} của tệp {shown} khai báo vùng dữ liệu {declared} ({vn(rows)} dòng × {vn(cols)} cột), "
                    f"vượt giới hạn {vn(MAX_CELLS)} ô. Hãy xoá các dòng, cột thừa ở xa vùng số liệu (Ctrl+End cho biết "
                    "ô cuối), lưu lại rồi tải lên.",
                    f"Sheet {sheet} of {shown} declares the data area {declared} ({rows:,} rows x {cols:,} columns), "
                    f"over the {MAX_CELLS:,}-cell limit. Delete the stray rows and columns far from the figures "
                    "(Ctrl+End shows the last cell), save and upload again.")
    return _err("sheet-too-large",
                f"Trang {sheet} của tệp {shown} có ô dữ liệu ở xa tới dòng {vn(rows)}, cột "
                f"{vn(cols)} (ít nhất): vùng {vn(rows)} dòng × {vn(cols)} cột vượt giới hạn {vn(MAX_CELLS)} ô. Hãy xoá các ô thừa ở xa vùng số "
                "liệu (Ctrl+End cho biết ô cuối) rồi tải lên lại.",
                f"Sheet {sheet} of {shown} has cells as far as row {rows:,}, column {cols:,} (at least): an "
                f"area of {rows:,} rows x {cols:,} columns, over the {MAX_CELLS:,}-cell limit. Delete the stray cells far "
                "from the figures (Ctrl+End shows the last cell) and upload again.")


def scan_sheet(zf: zipfile.ZipFile, part: str, shown: str, sheet: str, percent_re: re.Pattern | None = None,
               chunk: int = 4 << 20) -> SheetScan:
    """Stream one sheet's XML (at most its declared size) and fill a SheetScan; UserError
    sheet-too-large as soon as the cells present span more than MAX_CELLS from A1."""
    scan = SheetScan()
    carry = b""

    def feed(text: bytes) -> None:
        refs = _REF.findall(text)
        if refs:
            rows = max(int(r) for _, r in refs)
            cols = max((_col_number(c) for c in {c for c, _ in refs if c}), default=0)
            scan.rows, scan.cols = max(scan.rows, rows), max(scan.cols, cols)
            if scan.rows * max(scan.cols, 1) > MAX_CELLS:
                raise _too_big(shown, sheet, scan.rows, max(scan.cols, 1))
        if b"<f" in text:
            for c, r, body in _FORMULA.findall(text):
                scan.formulas[(int(r) - 1, _col_number(c) - 1)] = (
                    "=" + body.decode("utf-8", "replace").replace("&quot;", '"').replace("&amp;", "&")
                    .replace("&lt;", "<").replace("&gt;", ">") if body else "=…")
        if b't="e"' in text:
            for c, r, v in _ERROR.findall(text):
                scan.errors[(int(r) - 1, _col_number(c) - 1)] = v.decode("utf-8", "replace") or "#ERROR"
        if percent_re is not None:
            scan.percent.update((int(r) - 1, _col_number(c) - 1) for c, r in percent_re.findall(text))

    with zf.open(part) as f:
        first = True
        while block := f.read(chunk):
            if first:       # the declared used range comes before <sheetData>: refuse a huge one outright
                first = False
                dim = _DIMENSION.search(block[:65536])
                if dim:
                    c, r = (dim.group(3), dim.group(4)) if dim.group(3) else (dim.group(1), dim.group(2))
                    rows, cols = int(r or 1), _col_number(c) if c else 1
                    if rows * cols > MAX_CELLS:
                        raise _too_big(shown, sheet, rows, cols, declared=dim.group(0).split(b'ref="')[1]
                                       .decode("ascii", "replace"))
            buf = carry + block
            cut = None
            for m in _CUT.finditer(buf, max(0, len(buf) - 65536)):
                cut = m.start()
            if cut is None or cut == 0:
                carry = buf
                continue
            feed(buf[:cut])
            carry = buf[cut:]
        feed(carry)
    return scan


def scan_xlsx(data: bytes, shown: str) -> dict[str, SheetScan]:
    """Pre-check an .xlsx before calamine opens it (see module doc); sheet name -> SheetScan."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = _sheet_parts(zf)
        sheets = set(parts.values())
        names = set(zf.namelist())
        for part in names:
            if part.endswith((".xml", ".rels")) and part not in sheets:
                check_xml_depth(zf, part, shown)
        percent_re = _percent_styles(zf)
        return {name: scan_sheet(zf, part, shown, name, percent_re) for name, part in parts.items() if part in names}
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise _err("corrupt-file", f"Tệp {shown} bị hỏng, không đọc được (có thể tải về chưa hết).",
                   f"The workbook {shown} is corrupt and cannot be read (perhaps a cut download).") from None


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
    scans = scan_xlsx(data, safe_name(name)) if kind == "xlsx" else {}
    wb = _open(data, name)
    index = matcher_for(catalogue or default_catalogue())
    result: ReadResult | None = None
    any_cells = False
    for meta in wb.sheets_metadata:
        if meta.visible != pc.SheetVisibleEnum.Visible or meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        try:
            sheet = wb.get_sheet_by_name(meta.name)
            grid = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or ()
        except Exception:
            raise _err("corrupt-file", f"Không đọc được trang {meta.name} của tệp {name}.",
                       f"Sheet {meta.name} of {name} cannot be read.") from None
        if any(_text(c) for row in grid for c in row):
            any_cells = True
        found = _find_header(grid, index, merged)
        if not found:
            continue
        header_row, shape = found
        if result is None:
            result = ReadResult(shape=shape)
        result.sheets.append(meta.name)
        scan = scans.get(nfc(meta.name)) or SheetScan()
        if shape == "template":
            _read_template(grid, header_row, meta.name, scan, result, year, period, _row_spans(merged, header_row))
        else:
            _read_wide(grid, header_row, meta.name, index, scan, result, year, period)
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


def _too_many_rows(sheet: str) -> UserError:
    n = f"{MAX_VALUE_ROWS:,}".replace(",", ".")
    return _err("too-many-rows", f"Trang {sheet} có hơn {n} dòng số liệu: quá nhiều cho một lần tải lên. Hãy chia "
                "theo địa phương hoặc theo kỳ báo cáo.",
                f"Sheet {sheet} has over {MAX_VALUE_ROWS:,} rows of figures: too many for one upload. Split it by "
                "locality or by period.")


def _mark(row: RawRow, scan: SheetScan, r: int, c: int) -> RawRow:
    """Note a formula or an error in the value cell (the XML says so; calamine's value does not)."""
    row.formula = scan.formulas.get((r, c), "")
    row.cell_error = scan.errors.get((r, c), "")
    return row


def _read_template(grid, header_row, sheet, scan, result, year, period, spans=None):
    cols = {}
    for c, f in sorted(header_fields(grid[header_row], spans).items()):
        if f not in cols:
            cols[f] = c
    vcol = cols["value"]
    percent = scan.percent

    def get(cells, f):
        c = cols.get(f)
        return cells[c] if c is not None and c < len(cells) else None

    for r in range(header_row + 1, len(grid)):
        cells = grid[r]
        if all(x in ("", None) for x in cells):
            continue
        if len(result.rows) >= MAX_VALUE_ROWS:
            raise _too_many_rows(sheet)
        value = get(cells, "value")
        result.rows.append(_mark(RawRow(
            sheet=sheet, row=r + 1, column=col_letter(vcol),
            locality_ref=_text(get(cells, "locality_ref")), locality=_text(get(cells, "locality")),
            year=get(cells, "year") if get(cells, "year") not in (None, "") else year,
            indicator=_text(get(cells, "indicator")) or _text(get(cells, "indicator_name")),
            scope=_text(get(cells, "scope")),
            period=get(cells, "period") if get(cells, "period") not in (None, "") else period,
            value=unescape_cell(value),
            value_percent_cell=(r, vcol) in percent and isinstance(value, (int, float)),
            unit=_text(get(cells, "unit")), standing=get(cells, "standing"), assigned=get(cells, "assigned"),
            note=_text(get(cells, "note")), source=_text(get(cells, "source"))), scan, r, vcol))


def _read_wide(grid, header_row, sheet, index, scan, result, year, period):
    percent = scan.percent
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
        indicators[c] = header_code(h, index) or h
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
            if (v is None or (isinstance(v, str) and not v.strip())) and (r, c) not in scan.errors:
                continue
            if len(result.rows) >= MAX_VALUE_ROWS:
                raise _too_many_rows(sheet)
            result.rows.append(_mark(RawRow(
                sheet=sheet, row=r + 1, column=col_letter(c), locality_ref=loc_ref, locality=loc,
                year=y if y not in (None, "") else (title_year or year), indicator=ind,
                scope=_text(get(cells, "scope")),
                period=p if p not in (None, "") else (title_period or period),
                value=unescape_cell(v),
                value_percent_cell=(r, c) in percent and isinstance(v, (int, float)),
                standing=get(cells, "standing"), note=_text(get(cells, "note")),
                source=_text(get(cells, "source"))), scan, r, c))

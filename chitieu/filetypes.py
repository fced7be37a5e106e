"""What an uploaded file really is, decided by its bytes, never by its name.

`sniff(data)` names the content: "xlsx", "docx", "ods", "zip" (another ZIP), "encrypted-office"
(a password-protected .xlsx/.docx is an OLE container holding an EncryptedPackage),
"xls" / "doc" / "ole" (Office 97-2003), "pdf", "text" (UTF-8/UTF-16 text), "empty" or "unknown".
`check_upload(data, name, allowed)` is what every upload path calls before reading a file:
size limit (CHITIEU_UPLOAD_MAX_MB), type by content, ZIP bombs, password-protected files.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from chitieu import settings
from chitieu.errors import UserError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF"
# Uncompressed size may be this many times the upload limit (xlsx compresses ~10x).
ZIP_EXPANSION_LIMIT = 20
KIND_LABELS = {"xlsx": "Excel (.xlsx)", "docx": "Word (.docx)", "pdf": "PDF", "text": "văn bản / text (.txt)",
               "zip": "ZIP", "ods": "OpenDocument (.ods)",
               "xls": "Excel 97-2003 (.xls)", "doc": "Word 97-2003 (.doc)", "ole": "OLE (Office 97-2003)", "encrypted-office": "Office có mật khẩu / encrypted",
               "unknown": "không rõ / unknown", "empty": "tệp rỗng / empty"}


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names and b"opendocument.spreadsheet" in data[:200]:
        return "ods"
    return "zip"


def _is_text(data: bytes) -> bool:
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a cut multi-byte character at the end is fine
            return False
        text = head[:exc.start].decode("utf-8")
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
    return bad <= len(text) // 100


def sniff(data: bytes) -> str:
    """Name the content of `data` from its leading bytes (see module doc for the names)."""
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC[:4]):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted-office"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return "doc" if "WordDocument".encode("utf-16-le") in data else "ole"
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if _is_text(data):
        return "text"
    return "unknown"


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_name(name: str | None) -> str:
    """The file name to show and store: last path part, no control or path characters, ≤ 120 chars."""
    base = re.split(r"[/\\]", str(name or ""))[-1]
    base = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", base)).strip(" .")
    return base[:120] or "tep"


def _labels(kinds) -> str:
    return ", ".join(KIND_LABELS.get(k, k) for k in kinds)


def check_upload(data: bytes, name: str | None, allowed: tuple[str, ...] | list[str] | set[str],
                 max_bytes: int | None = None) -> str:
    """Accept an upload or raise UserError; returns the sniffed kind (one of `allowed`).

    Codes: empty-file, file-too-large, encrypted-file, wrong-file-type, corrupt-file.
    The name is used only in messages (after `safe_name`), never to decide the type.
    """
    shown = safe_name(name)
    limit = settings.upload_max_bytes() if max_bytes is None else max_bytes
    if not data:
        raise UserError("empty-file", f"Tệp {shown} rỗng.", f"The file {shown} is empty.")
    if len(data) > limit:
        mb = limit / 1024 / 1024
        raise UserError("file-too-large",
                        f"Tệp {shown} lớn hơn giới hạn {mb:g} MB (CHITIEU_UPLOAD_MAX_MB).",
                        f"The file {shown} is larger than the {mb:g} MB limit (CHITIEU_UPLOAD_MAX_MB).")
    kind = sniff(data)
    if kind == "encrypted-office":
        raise UserError("encrypted-file",
                        f"Tệp {shown} được đặt mật khẩu. Hãy mở bằng Excel/Word, bỏ mật khẩu rồi tải lên lại.",
                        f"The file {shown} is password-protected. Remove the password in Excel/Word and upload again.")
    if kind not in allowed:
        raise UserError("wrong-file-type",
                        f"Nội dung tệp {shown} là {KIND_LABELS.get(kind, kind)}, không phải {_labels(allowed)} "
                        "(kiểm tra theo nội dung, không theo đuôi tên tệp).",
                        f"The content of {shown} is {KIND_LABELS.get(kind, kind)}, not {_labels(allowed)} "
                        "(checked by content, not by the file name).")
    if kind in ("xlsx", "docx", "ods", "zip"):
        _check_zip(data, shown, limit)
    return kind


def _check_zip(data: bytes, shown: str, limit: int) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UserError("corrupt-file", f"Tệp {shown} bị hỏng (không đọc được cấu trúc ZIP).",
                        f"The file {shown} is damaged (its ZIP structure cannot be read).") from None
    if sum(i.file_size for i in infos) > limit * ZIP_EXPANSION_LIMIT:
        raise UserError("file-too-large",
                        f"Tệp {shown} khi giải nén quá lớn (có thể là tệp độc hại).",
                        f"The file {shown} expands to too much data (possibly a malicious file).")

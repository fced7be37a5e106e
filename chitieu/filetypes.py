"""What an uploaded file really is, decided by its bytes, never by its name.

`sniff(data)` names the content: "xlsx", "docx", "ods", "zip" (another ZIP), "encrypted-office"
(a password-protected .xlsx/.docx is an OLE container holding an EncryptedPackage),
"xls" / "doc" / "ole" (Office 97-2003), "pdf", "text" (UTF-8/UTF-16 text), "empty" or "unknown".
`check_upload(data, name, allowed)` is what every upload path calls before reading a file:
size limit (CHITIEU_UPLOAD_MAX_MB), type by content, password-protected files, and the cheap
ZIP checks that need no decompression: the number of parts (read from the archive's end record
before the directory is parsed) and the declared uncompressed sizes. `check_xml_depth` streams
one XML part with a byte budget and a nesting limit (run by the isolated reader, see
chitieu.isolation, before python-docx or calamine see the part).
"""
from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import xml.parsers.expat

from chitieu import settings
from chitieu.errors import UserError
from chitieu.numbers import format_vn

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF"
# Uncompressed size may be this many times the upload limit: a real workbook compresses about
# 10x (the 50,000-row benchmark file: 2.3 MB holding 24 MB of XML), so 10x the limit is the
# largest honest content; more is a bomb (the 853 KB workbook holding 380 MB of XML).
ZIP_EXPANSION_LIMIT = 10
# A Word plan's XML may be at most the upload limit itself: the longest plan seen is 22 KB of
# text (about 0.7 MB of document XML); 20 MB of XML is a document of several thousand pages.
# (The 1.3 MB .docx holding 380 MB of XML is refused here, before python-docx sees it.)
DOCX_XML_FACTOR = 1
# Parts in one package: a workbook has ~10 plus 2-3 per sheet, a Word file a few dozen.
MAX_PARTS = 2000
# Element nesting: real Office XML nests ~10 deep (tables in tables ~30); lxml stops at 256.
MAX_XML_DEPTH = 100
KIND_LABELS = {"xlsx": "Excel (.xlsx)", "docx": "Word (.docx)", "pdf": "PDF", "text": "văn bản / text (.txt)",
               "zip": "ZIP", "ods": "OpenDocument (.ods)",
               "xls": "Excel 97-2003 (.xls)", "doc": "Word 97-2003 (.doc)", "ole": "OLE (Office 97-2003)", "encrypted-office": "Office có mật khẩu / encrypted",
               "unknown": "không rõ / unknown", "empty": "tệp rỗng / empty",
               "png": "PNG (.png)", "jpeg": "JPEG (.jpg)"}
# Images are not among what `sniff` names (no reader here opens them); `check_upload` accepts them only
# when a caller allows "png" / "jpeg" (an explanation's attachment, issue 13).
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


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


# The labels that are not the same word in both languages, one language at a time in messages.
_KIND_VI = {"text": "văn bản (.txt)", "encrypted-office": "Office có mật khẩu", "unknown": "loại không rõ",
            "empty": "tệp rỗng", "ole": "Office 97-2003"}
_KIND_EN = {"text": "text (.txt)", "encrypted-office": "encrypted Office", "unknown": "of an unknown kind",
            "empty": "empty", "ole": "Office 97-2003"}


def _label(kind: str, lang: str = "vi") -> str:
    return (_KIND_EN if lang == "en" else _KIND_VI).get(kind) or KIND_LABELS.get(kind, kind)


def _labels(kinds, lang: str = "vi") -> str:
    return ", ".join(_label(k, lang) for k in kinds)


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
        raise UserError("file-too-large",
                        f"Tệp {shown} lớn hơn giới hạn {size_text(limit)} (CHITIEU_UPLOAD_MAX_MB).",
                        f"The file {shown} is larger than the {size_text(limit, 'en')} limit (CHITIEU_UPLOAD_MAX_MB).")
    if data.startswith(ZIP_MAGIC):
        check_zip_directory(data, shown)       # before anything parses the central directory
    kind = sniff(data)
    if kind == "unknown":
        kind = next((k for magic, k in IMAGE_MAGIC.items() if data.startswith(magic)), kind)
    if kind == "encrypted-office":
        raise UserError("encrypted-file",
                        f"Tệp {shown} được đặt mật khẩu. Hãy mở bằng Excel/Word, bỏ mật khẩu rồi tải lên lại.",
                        f"The file {shown} is password-protected. Remove the password in Excel/Word and upload again.")
    if kind not in allowed:
        raise UserError("wrong-file-type",
                        f"Nội dung tệp {shown} là {_label(kind)}, không phải {_labels(allowed)} "
                        "(kiểm tra theo nội dung, không theo đuôi tên tệp).",
                        f"The content of {shown} is {_label(kind, 'en')}, not {_labels(allowed, 'en')} "
                        "(checked by content, not by the file name).")
    if kind in ("xlsx", "docx", "ods", "zip"):
        _check_zip(data, shown, limit, kind)
    return kind


def _too_much(shown: str, why_vi: str, why_en: str) -> UserError:
    return UserError("file-too-large", f"Tệp {shown} bị từ chối: {why_vi} (có thể là tệp độc hại).",
                     f"The file {shown} is refused: {why_en} (possibly a malicious file).")


def _eocd(data: bytes) -> tuple[int, int] | None:
    """(entries, central directory size) from the ZIP end record, or None when there is none."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65536 - 22))
    if at < 0 or at + 22 > len(data):
        return None
    _disk, _cd_disk, _here, total, cd_size, _cd_offset = struct.unpack_from("<HHHHII", data, at + 4)
    return total, cd_size


def check_zip_directory(data: bytes, shown: str) -> None:
    """Refuse a package with too many parts before zipfile builds one object per part
    (call before `sniff`, which lists the parts of a ZIP)."""
    end = _eocd(data)
    if end is None:
        return          # no end record: zipfile will call it corrupt
    entries, cd_size = end
    if entries == 0xFFFF or entries > MAX_PARTS or cd_size > MAX_PARTS * 1024:
        raise _too_much(shown, f"có quá nhiều phần bên trong (hơn {MAX_PARTS})",
                        f"it holds too many parts (over {MAX_PARTS})")


def size_text(n: int | float, lang: str = "vi") -> str:
    """A file size or size limit as people read it: '20 MB', '1,5 MB', '10 KB' (under 1 MB; at least
    '1 KB'); English '1.5 MB', '1,024 MB'. (Before: a small limit read '0.00999928 MB'.)"""
    mb = n / 1024 / 1024
    text, unit = (format_vn(round(mb, 1)), "MB") if mb >= 1 else (format_vn(max(1, round(n / 1024))), "KB")
    if lang == "en":
        text = text.replace(".", "\u0001").replace(",", ".").replace("\u0001", ",")
    return f"{text} {unit}"


def upload_limit_text(lang: str = "vi") -> str:
    """The upload limit (CHITIEU_UPLOAD_MAX_MB) for a label: '20 MB'."""
    return size_text(settings.upload_max_bytes(), lang)


def _check_zip(data: bytes, shown: str, limit: int, kind: str = "zip") -> None:
    """Declared uncompressed sizes (no decompression): the whole package, and a Word file's XML.

    A part that lies about its size is cut at the declared size by zipfile (and fails its
    CRC check), so the declared sizes bound what any reader here decompresses."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error):
        raise UserError("corrupt-file", f"Tệp {shown} bị hỏng (không đọc được cấu trúc ZIP).",
                        f"The file {shown} is damaged (its ZIP structure cannot be read).") from None
    if len(infos) > MAX_PARTS:
        raise _too_much(shown, f"có quá nhiều phần bên trong (hơn {MAX_PARTS})",
                        f"it holds too many parts (over {MAX_PARTS})")
    total = sum(i.file_size for i in infos)
    if total > limit * ZIP_EXPANSION_LIMIT:
        raise _too_much(shown, f"khi giải nén thành {size_text(total)}, quá {ZIP_EXPANSION_LIMIT} lần giới hạn tải lên",
                        f"it expands to {size_text(total, 'en')}, over {ZIP_EXPANSION_LIMIT} times the upload limit")
    if kind == "docx":
        xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
        if xml > limit * DOCX_XML_FACTOR:
            raise _too_much(shown, f"phần văn bản (XML) khi giải nén là {size_text(xml)}, lớn hơn mọi kế hoạch thật",
                            f"its text (XML) expands to {size_text(xml, 'en')}, more than any real plan")


def check_xml_depth(zf: zipfile.ZipFile, part: str, shown: str, max_depth: int = MAX_XML_DEPTH,
                    chunk: int = 1 << 20) -> None:
    """Stream one XML part through expat (no tree kept): UserError xml-too-deep past `max_depth`
    nested elements, corrupt-file for XML that does not parse. Reads at most the declared size."""
    depth = 0

    def start(_name, _attrs):
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise _Deep()

    def end(_name):
        nonlocal depth
        depth -= 1

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        with zf.open(part) as f:
            while block := f.read(chunk):
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except _Deep:
        raise UserError("xml-too-deep",
                        f"Tệp {shown} bị từ chối: cấu trúc lồng nhau quá {max_depth} tầng trong {part} "
                        "(có thể là tệp độc hại).",
                        f"The file {shown} is refused: elements nested over {max_depth} deep in {part} "
                        "(possibly a malicious file).") from None
    except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise UserError("corrupt-file", f"Tệp {shown} bị hỏng (phần {part} không đọc được).",
                        f"The file {shown} is damaged (part {part} cannot be read).") from None


class _Deep(Exception):
    pass

"""Read a plan document (.txt, .docx, .pdf with a text layer) into NFC text.

Type is decided by content (magic bytes), not by the file name. Errors are UserError with
a Vietnamese and an English message.
"""
from __future__ import annotations

import io
import zipfile

from chitieu.errors import UserError
from chitieu.filetypes import check_upload, sniff
from chitieu.textnorm import nfc

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
PDF_MAGIC = b"%PDF"


def _unreadable(name: str, why_vi: str, why_en: str) -> UserError:
    return UserError("unreadable-file", f"Không đọc được tệp {name}: {why_vi}.",
                     f"Cannot read {name}: {why_en}.")


def decode_text(data: bytes, name: str = "tệp") -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise _unreadable(name, "không phải văn bản UTF-8", "not UTF-8 text") from None
    return text


def _docx_text(data: bytes, name: str) -> str:
    import docx  # python-docx
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise _unreadable(name, "tệp Word bị hỏng", f"broken Word file ({type(exc).__name__})") from None
    lines: list[str] = []
    body = document.element.body
    # Paragraphs and tables in document order; table rows become " | "-separated lines.
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if not row.tag.endswith("}tr"):
                    continue
                cells = []
                for cell in row.iterchildren():
                    if cell.tag.endswith("}tc"):
                        cells.append(" ".join("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                                              for p in cell.iter() if p.tag.endswith("}p")).strip())
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
    return "\n\n".join(line for line in lines)


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UserError("encrypted-file", f"Tệp PDF {name} có mật khẩu; hãy gỡ mật khẩu rồi tải lại.",
                            f"The PDF {name} is password-protected; remove the password and upload again.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UserError:
        raise
    except Exception as exc:
        raise _unreadable(name, "tệp PDF bị hỏng", f"broken PDF ({type(exc).__name__})") from None
    text = "\n\n".join(pages)
    if len(text.strip()) < 20:
        raise UserError("no-text-layer", f"Tệp PDF {name} không có lớp chữ (bản quét ảnh). Hãy dùng bản có chữ "
                        "hoặc nhận dạng chữ (OCR) trước.",
                        f"The PDF {name} has no text layer (a scanned image). Use a text PDF or run OCR first.")
    return text


def read_document(data: bytes, name: str) -> str:
    """Return the NFC text of a .txt, .docx or .pdf document given as bytes."""
    if not data:
        raise UserError("empty-file", f"Tệp {name} rỗng.", f"The file {name} is empty.")
    kind = sniff(data)
    if kind in ("docx", "pdf", "text"):
        check_upload(data, name, (kind,))  # size limit, ZIP bombs (same rules as every upload)
    if data.startswith(PDF_MAGIC):
        return nfc(_pdf_text(data, name))
    if data.startswith(ZIP_MAGIC):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            raise _unreadable(name, "tệp nén bị hỏng", "broken ZIP container") from None
        if "word/document.xml" in names:
            return nfc(_docx_text(data, name))
        raise UserError("not-a-plan", f"Tệp {name} không phải văn bản kế hoạch (.txt, .docx, .pdf).",
                        f"{name} is not a plan document (.txt, .docx, .pdf).")
    if data.startswith(OLE_MAGIC):
        raise UserError("not-a-plan", f"Tệp {name} là định dạng Office cũ (.doc) hoặc có mật khẩu; hãy lưu "
                        "thành .docx không mật khẩu.",
                        f"{name} is an old Office (.doc) or password-protected file; save it as .docx "
                        "without a password.")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError("not-a-plan", f"Tệp {name} không phải văn bản (có thể là ảnh hoặc tệp chương trình).",
                        f"{name} is not a text document (maybe an image or a program).")
    return nfc(decode_text(data, name))

"""Notifications of the reporting cycle (issue 13): who is told what, in words, and the e-mail.

Pure functions, no Streamlit, no SQL (the table is chitieu/store/notify.py's). A notification is a
dict with the fields of the `notifications` table (kind, actor, locality_name, year, period,
indicator_name, message, due, ...); its text is made when it is shown, in the reader's language.

Who is told (worked out by the store, inside the cycle step's own transaction):
    explain.request  -> the analysts of the locality (and of the levels above it)
    explain.answer   -> the leader who sent the request
    explain.close    -> the analysts of the locality, and the requester when someone else closed it
    cycle.submit     -> the leaders of the locality and of the levels above it
    cycle.return / cycle.approve / cycle.unlock -> the analysts of the locality
Nobody is told about their own step.

E-mail is optional: with CHITIEU_SMTP_HOST set (see `smtp_config`), each notification also goes by
e-mail to its recipient when they have an address (users.email, or a user name that is an address,
as single sign-on users have). `send` takes a short timeout and never raises: it returns, per
message, None (sent) or a failure code; `failure_text` says it in words.
"""
from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from chitieu import settings
from chitieu.errors import UserError
from chitieu.periods import parse_period

log = logging.getLogger("chitieu")

KINDS = ("explain.request", "explain.answer", "explain.close",
         "cycle.submit", "cycle.return", "cycle.approve", "cycle.unlock")
SMTP_TIMEOUT = 10  # seconds: a mail server that does not answer never holds anything up for long
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


# ---- addresses ---------------------------------------------------------------------------

def is_email(text) -> bool:
    return isinstance(text, str) and len(text) <= 254 and bool(_EMAIL.match(text.strip()))


def check_email(text: str | None) -> str | None:
    """A user's e-mail address as stored: trimmed and lower-case; '' or None clears it."""
    text = (text or "").strip()
    if not text:
        return None
    if not is_email(text):
        raise UserError("bad-email", f"“{text[:80]}” không phải địa chỉ thư điện tử hợp lệ (ví dụ: lan@quangngai.gov.vn).",
                        f"“{text[:80]}” is not a valid e-mail address (e.g. lan@quangngai.gov.vn).")
    return text.lower()


def address_of(username: str, email: str | None) -> str | None:
    """Where a user's notifications go by e-mail: their address, else a user name that is one."""
    if is_email(email):
        return email.strip()
    return username.strip() if is_email(username) else None


# ---- the words ---------------------------------------------------------------------------

def _missing(value) -> bool:
    try:
        return value is None or bool(value != value)  # NaN and NaT (rows read through pandas) are not equal to themselves
    except (TypeError, ValueError):
        return False


def clean(n: dict) -> dict:
    """A notification row with pandas' gaps (NaN, NaT) as None."""
    return {k: (None if _missing(v) else v) for k, v in dict(n).items()}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _when(period, year, lang: str) -> str:
    """'6 tháng năm 2026', 'quý I năm 2026', 'cả năm 2026' (en: 'first 6 months of 2026', 'full year 2026')."""
    y = None if _missing(year) else int(year)
    try:
        p = parse_period(period) if period else None
    except Exception:  # noqa: BLE001 - an unreadable period is left out rather than shown as a code
        p = None
    if lang == "en":
        if p is None:
            return f"{y}" if y else ""
        return f"{p.label_en} {y}" if p.code in ("FY", "Q1") else f"{p.label_en} of {y}"
    if p is None:
        return f"năm {y}" if y else ""
    if p.code == "FY":
        return f"cả năm {y}"
    return f"{p.label_vi[0].lower() + p.label_vi[1:]} năm {y}"


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if not _missing(value) and hasattr(value, "strftime") else ""


def title(n: dict, lang: str = "vi") -> str:
    """One line: what happened, to which locality's figures or target."""
    n = clean(n)
    kind, place = n.get("kind"), _text(n.get("locality_name")) or "–"
    target = _text(n.get("indicator_name")) or _text(n.get("indicator")) or "–"
    when = _when(n.get("period"), n.get("year"), lang)
    if lang == "en":
        return {
            "explain.request": f"Explanation requested: {target} — {place}",
            "explain.answer": f"Explanation received: {target} — {place}",
            "explain.close": f"Explanation request closed: {target} — {place}",
            "cycle.submit": f"Figures submitted for approval: {place}, {when}",
            "cycle.return": f"Figures returned: {place}, {when}",
            "cycle.approve": f"Figures approved and locked: {place}, {when}",
            "cycle.unlock": f"Figures unlocked: {place}, {when}",
        }.get(kind, f"Notification: {place}")
    return {
        "explain.request": f"Yêu cầu giải trình: {target} — {place}",
        "explain.answer": f"Đã có giải trình: {target} — {place}",
        "explain.close": f"Yêu cầu giải trình đã đóng: {target} — {place}",
        "cycle.submit": f"Số liệu chờ duyệt: {place}, {when}",
        "cycle.return": f"Số liệu bị trả lại: {place}, {when}",
        "cycle.approve": f"Số liệu đã được duyệt và khoá: {place}, {when}",
        "cycle.unlock": f"Số liệu đã được mở khoá: {place}, {when}",
    }.get(kind, f"Thông báo: {place}")


def body(n: dict, lang: str = "vi") -> str:
    """Who did it, their words, and what the reader should do next (no code names)."""
    n = clean(n)
    kind, who, words = n.get("kind"), _text(n.get("actor")) or "–", _text(n.get("message"))
    place, when = _text(n.get("locality_name")) or "–", _when(n.get("period"), n.get("year"), lang)
    due = _date(n.get("due"))
    if lang == "en":
        said = f" “{words}”" if words else ""
        return {
            "explain.request": f"{who} asks {place} to explain{said}" + (f", by {due}" if due else "")
                               + ". To do: answer in the target's “Why” panel (Locality page).",
            "explain.answer": f"{who} answered:{said}. To do: read it in the target's “Why” panel (Locality page) "
                              "and close the request when it is enough.",
            "explain.close": f"{who} closed the request{said}. Nothing more to do.",
            "cycle.submit": f"{who} submitted the figures of {place} for {when}. To do: approve and lock them, "
                            "or return them with a comment (Reporting cycle page).",
            "cycle.return": f"{who} returned the figures of {place} for {when} with the comment{said}. To do: "
                            "correct them (Enter actuals page) and submit again (Reporting cycle page).",
            "cycle.approve": f"{who} approved the figures of {place} for {when}: they are locked (no upload or "
                             "undo) until a leader unlocks them. Nothing more to do.",
            "cycle.unlock": f"{who} unlocked the figures of {place} for {when}, reason:{said}. To do: update "
                            "them if needed and submit again (Reporting cycle page).",
        }.get(kind, words)
    said = f" “{words}”" if words else ""
    return {
        "explain.request": f"{who} yêu cầu {place} giải trình:{said}" + (f", hạn trả lời {due}" if due else "")
                           + ". Việc cần làm: trả lời trong mục “Vì sao” của chỉ tiêu (trang Địa phương).",
        "explain.answer": f"{who} đã giải trình:{said}. Việc cần làm: xem trong mục “Vì sao” của chỉ tiêu "
                          "(trang Địa phương) và đóng yêu cầu khi đã đủ.",
        "explain.close": f"{who} đã đóng yêu cầu giải trình{said}. Không cần làm gì thêm.",
        "cycle.submit": f"{who} đã gửi duyệt số liệu {when} của {place}. Việc cần làm: duyệt và khoá, hoặc "
                        "trả lại kèm nhận xét (trang Kỳ báo cáo).",
        "cycle.return": f"{who} trả lại số liệu {when} của {place} với nhận xét:{said}. Việc cần làm: sửa số "
                        "liệu (trang Nhập số liệu) rồi gửi duyệt lại (trang Kỳ báo cáo).",
        "cycle.approve": f"{who} đã duyệt số liệu {when} của {place}: số liệu được khoá (không tải lên, không "
                         "hoàn tác được) cho đến khi lãnh đạo mở khoá. Không cần làm gì thêm.",
        "cycle.unlock": f"{who} đã mở khoá số liệu {when} của {place}, lý do:{said}. Việc cần làm: cập nhật "
                        "số liệu nếu cần rồi gửi duyệt lại (trang Kỳ báo cáo).",
    }.get(kind, words)


def link(n: dict, lang: str = "vi") -> tuple[str, str, dict]:
    """(label, page, filters) of where the reader acts on it: page 'locality' with {'year', 'loc'} for an
    explanation request, 'cycle' with {'year', 'period', 'cycle_loc'} for a cycle step."""
    n = clean(n)
    query: dict = {} if n.get("year") is None else {"year": int(n["year"])}
    if str(n.get("kind", "")).startswith("explain."):
        if n.get("locality_scheme") and n.get("locality_code"):
            query["loc"] = f"{n['locality_scheme']}:{n['locality_code']}"
        return ("Open the Locality page" if lang == "en" else "Mở trang Địa phương"), "locality", query
    if n.get("period"):
        query["period"] = n["period"]
    if n.get("locality_scheme") and n.get("locality_code"):
        query["cycle_loc"] = f"{n['locality_scheme']}:{n['locality_code']}"  # the cycle page's locality box
    return ("Open the Reporting cycle page" if lang == "en" else "Mở trang Kỳ báo cáo"), "cycle", query


# ---- e-mail ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool


def smtp_config() -> SmtpConfig | None:
    """The administrator's mail server from the settings, or None (e-mail off) when no host is set."""
    host = settings.get("CHITIEU_SMTP_HOST").strip()
    if not host:
        return None
    try:
        port = int(settings.get("CHITIEU_SMTP_PORT"))
    except ValueError:
        port = 587
    user = settings.get("CHITIEU_SMTP_USER").strip()
    sender = settings.get("CHITIEU_SMTP_FROM").strip() or (user if is_email(user) else f"chitieu@{host}")
    starttls = settings.get("CHITIEU_SMTP_STARTTLS").strip().lower() not in ("0", "no", "false", "off", "khong")
    return SmtpConfig(host, port, user, settings.get("CHITIEU_SMTP_PASSWORD"), sender, starttls)


def email(n: dict, to: str, sender: str, lang: str = "vi") -> EmailMessage:
    """The e-mail of one notification: subject '[Chỉ tiêu] <title>', the body with what to do and where."""
    msg = EmailMessage()
    msg["Subject"] = f"[Chỉ tiêu] {title(n, lang)}"
    msg["From"] = formataddr(("Chỉ tiêu", sender))
    msg["To"] = to
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    footer = ("Sent by the Chỉ tiêu application; the same notification is under “Notifications” in the "
              "application's sidebar." if lang == "en" else
              "Thư này do ứng dụng Chỉ tiêu gửi tự động; thông báo này cũng có trong mục “Thông báo” ở thanh bên "
              "của ứng dụng.")
    msg.set_content(f"{title(n, lang)}\n\n{body(n, lang)}\n\n-- \n{footer}\n")
    return msg


FAILURES = ("connect", "timeout", "tls", "auth", "recipient", "refused")


def _failure(exc: BaseException) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "auth"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient"
    if isinstance(exc, (ssl.SSLError, smtplib.SMTPNotSupportedError)):
        return "tls"
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, ConnectionError, socket.gaierror)):
        return "connect"
    if isinstance(exc, smtplib.SMTPException):
        return "refused"
    return "connect"  # any other OSError: the server could not be reached


def failure_text(code: str | None, config: SmtpConfig | None, lang: str = "vi") -> str:
    """A failure code in words, for the administrator (the detail is in the server log)."""
    where = f"{config.host}:{config.port}" if config else "–"
    if lang == "en":
        return {"connect": f"the mail server {where} could not be reached",
                "timeout": f"the mail server {where} did not answer within {SMTP_TIMEOUT} seconds",
                "tls": f"the mail server {where} refused the encrypted connection (CHITIEU_SMTP_STARTTLS)",
                "auth": f"the mail server {where} refused the user name or password",
                "recipient": "the mail server refused the recipient's address",
                "refused": f"the mail server {where} refused the message"}.get(code or "", "unknown failure")
    return {"connect": f"không kết nối được máy chủ thư {where}",
            "timeout": f"máy chủ thư {where} không trả lời trong {SMTP_TIMEOUT} giây",
            "tls": f"máy chủ thư {where} không nhận kết nối mã hoá (xem CHITIEU_SMTP_STARTTLS)",
            "auth": f"máy chủ thư {where} từ chối tên đăng nhập hoặc mật khẩu",
            "recipient": "máy chủ thư từ chối địa chỉ người nhận",
            "refused": f"máy chủ thư {where} từ chối thư"}.get(code or "", "lỗi không rõ")


def send(config: SmtpConfig, messages: list[EmailMessage], timeout: float = SMTP_TIMEOUT) -> list[str | None]:
    """Send `messages` through one connection; per message None (sent) or a failure code. Never raises:
    the failure is logged (logger 'chitieu', without the password) and returned."""
    if not messages:
        return []
    try:
        smtp = (smtplib.SMTP_SSL if config.port == 465 else smtplib.SMTP)(config.host, config.port, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - a mail server must never break a cycle step
        log.warning("e-mail: cannot reach %s:%s (%s: %s)", config.host, config.port, type(exc).__name__, exc)
        return [_failure(exc)] * len(messages)
    results: list[str | None] = []
    try:
        with smtp:
            if config.starttls and config.port != 465:
                smtp.starttls(context=ssl.create_default_context())
            if config.user:
                smtp.login(config.user, config.password)
            for msg in messages:
                try:
                    smtp.send_message(msg)
                    results.append(None)
                except smtplib.SMTPRecipientsRefused as exc:
                    log.warning("e-mail to %s refused: %s", msg["To"], exc)
                    results.append("recipient")
    except Exception as exc:  # noqa: BLE001
        log.warning("e-mail through %s:%s failed (%s: %s)", config.host, config.port, type(exc).__name__, exc)
        results += [_failure(exc)] * (len(messages) - len(results))
    return results

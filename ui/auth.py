"""Login for the dashboard: session, login form, role gates (Streamlit side of chitieu.auth).

Reading needs no login. A page that only writes starts with `user = require_write_role()`;
a page that shows data and also writes wraps its upload part in
`if (writer := write_gate(lang)) is not None:` and checks each locality with
`require_write(writer, scheme, code)` (or, for many rows, chitieu.auth.forbidden_localities)
before storing; admin pages start with `require_role("admin")`. The login box lives in the sidebar
(`login_box()`, called once by dashboard.py, first: it also shows the database's state).

Password login: names and bcrypt hashes from the users table. A successful login sets a signed,
expiring cookie (`chitieu_session`, 12 h, SameSite=Strict, set by a script in the page — Streamlit
reads cookies with st.context.cookies but cannot set them), so a reload keeps the user logged in.
The token is never in the address: a shared link opens anonymously in someone else's browser.
Changing the password ends every cookie made with the old one; "Đăng xuất" removes it.

Throttling: per client address, a growing delay (chitieu.auth.LoginThrottle), never an account
lock; every failed login is audited (login.failed, via app:<address>).

First administrator (fresh install, no users): the sidebar shows a one-time set-up form. From
the server's own machine (a loopback client, no proxy headers) it needs nothing more; from any
other machine it needs the set-up token, printed in the server's console (logger "chitieu") and
written to `<database>.setup-token` beside the database file the first time a page is opened.
Once a user exists the form and the token are gone. Widget keys: setup_token, setup_name,
setup_display, setup_password, setup_password2; button "Tạo quản trị viên" / "Create administrator".

Single sign-on (OIDC): when `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's
`st.login`, needs the Authlib package), the box offers "Đăng nhập bằng tài khoản cơ quan"
and maps the identity provider's e-mail to a user of the same name — create it with
`python -m loaders users add ten@co-quan.gov.vn --role analyst` (the password is then unused).
Roles and localities still come from the users table, never from the identity provider.
"""
from __future__ import annotations

import hmac
import html
import logging
import math
import os
import secrets
import sys
import time
from pathlib import Path

import streamlit as st

from chitieu import auth, settings
from chitieu.errors import UserError
from chitieu.store import DatabaseFault, open_db, read_only_message
from chitieu.store import audit as audit_store
from chitieu.store import users as user_store
from ui.i18n import role_label

SESSION_KEY = "chitieu_user"
THROTTLE = auth.LoginThrottle()
log = logging.getLogger("chitieu")

_T = {
    "setup_hint": ("Chưa có tài khoản nào: mọi người đều xem được. Để nhập số liệu, tạo quản trị viên đầu tiên ở "
                   "thanh bên (mục “Tạo quản trị viên đầu tiên”).",
                   "No account exists yet: everyone can read. To load data, create the first administrator in the "
                   "sidebar (“Create the first administrator”)."),
    "setup_title": ("Tạo quản trị viên đầu tiên", "Create the first administrator"),
    "setup_local": ("Bạn đang mở ứng dụng trên chính máy chủ: tạo tài khoản quản trị ngay tại đây. Mục này biến mất "
                    "khi đã có tài khoản.",
                    "You are on the server's own machine: create the administrator here. This form disappears once "
                    "an account exists."),
    "setup_remote": ("Cần mã thiết lập: mã được in ở cửa sổ dòng lệnh của máy chủ khi trang được mở lần đầu, và "
                     "ghi trong tệp .setup-token cạnh tệp cơ sở dữ liệu. Mục này biến mất khi đã có tài khoản.",
                     "A set-up token is needed: it is printed in the server's console when a page is first opened "
                     "and written to the .setup-token file beside the database. This form disappears once an "
                     "account exists."),
    "token": ("Mã thiết lập", "Set-up token"),
    "name": ("Tên đăng nhập", "User name"),
    "display": ("Họ tên (không bắt buộc)", "Full name (optional)"),
    "password": ("Mật khẩu (ít nhất 8 ký tự)", "Password (at least 8 characters)"),
    "password2": ("Nhập lại mật khẩu", "Password again"),
    "password_plain": ("Mật khẩu", "Password"),
    "create": ("Tạo quản trị viên", "Create administrator"),
    "bad_token": ("Mã thiết lập không đúng.", "Wrong set-up token."),
    "mismatch": ("Hai lần nhập mật khẩu không khớp.", "The two passwords differ."),
    "exists": ("Đã có tài khoản; hãy đăng nhập.", "An account exists already; log in."),
    "wait": ("Thử sai nhiều lần từ máy này: hãy chờ {s} giây rồi thử lại.",
             "Too many failed attempts from this computer: wait {s} seconds and try again."),
    "wrong": ("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khoá.",
              "Wrong name or password, or the account is disabled."),
    "wrong_wait": (" Lần thử tiếp theo sau {s} giây.", " Next attempt in {s} seconds."),
    "login": ("Đăng nhập (để nhập số liệu)", "Log in (to load data)"),
    "logged_in": ("Đăng nhập: {name} ({role})", "Logged in: {name} ({role})"),
    "logout": ("Đăng xuất", "Log out"),
    "submit": ("Đăng nhập", "Log in"),
    "oidc": ("Đăng nhập bằng tài khoản cơ quan", "Log in with the organisation account"),
}


def _lang() -> str:
    # the login box is drawn before the sidebar's language box: on a link's first view (?lang=en)
    # only the address knows the language yet
    url = st.query_params.get("lang")
    return st.session_state.get("lang") or (url if url in ("vi", "en") else None) or settings.get("CHITIEU_LANG")


def tr(key: str, lang: str | None = None, **kw) -> str:
    vi, en = _T[key]
    return (en if (lang or _lang()) == "en" else vi).format(**kw)


def db():
    return open_db(settings.db_path())


def oidc_enabled() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


# ---- who is the client -------------------------------------------------------------------

def client_address() -> str | None:
    """The address the browser connected from (the socket's peer, not a header); None if unknown."""
    try:
        from streamlit.runtime.context import _get_client_context
        client = _get_client_context()
        return getattr(client, "remote_ip", None) if client is not None else None
    except Exception:  # noqa: BLE001 - a Streamlit internals change must not break login
        return st.context.ip_address


def _behind_proxy() -> bool:
    try:
        headers = {k.lower() for k in st.context.headers.keys()}
    except Exception:  # noqa: BLE001
        return False
    return bool(headers & {"x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host"})


def is_local_client() -> bool:
    """True for a browser on the server's own machine (loopback, not relayed by a proxy)."""
    return client_address() in {"127.0.0.1", "::1"} and not _behind_proxy()


def _client_key() -> str:
    return client_address() or "unknown"


# ---- the session and its cookie ------------------------------------------------------------

def _hash_of(con):
    def lookup(name: str) -> str | None:
        row = user_store.get_user(con, name)
        return None if row is None or row["disabled"] else row["password_hash"]
    return lookup


def _cookie_user(con) -> str | None:
    try:
        token = st.context.cookies.get(auth.SESSION_COOKIE)
    except Exception:  # noqa: BLE001 - no cookies outside a browser session
        return None
    if not token:
        return None
    return auth.read_session_token(token, auth.session_secret(con), _hash_of(con), time.time())


def _set_cookie_script(token: str, max_age: int, where) -> None:
    where.html(f"<script>document.cookie = '{html.escape(auth.SESSION_COOKIE)}={html.escape(token)}; Path=/; "
               f"Max-Age={html.escape(str(max_age))}; SameSite=Strict' + "
               "(window.location.protocol === 'https:' ? '; Secure' : '');</script>",
               unsafe_allow_javascript=True)


def _start_session(con, user: auth.User) -> None:
    row = user_store.get_user(con, user.username)
    st.session_state[SESSION_KEY] = user.username
    st.session_state["_chitieu_cookie"] = auth.make_session_token(
        user.username, row["password_hash"], auth.session_secret(con), time.time())


def current_user(con=None) -> auth.User | None:
    """The logged-in, active user of this session, or None (anonymous reader).

    A new session (a reload) takes the user from the login cookie. Also mirrors the user into
    st.session_state["user"] as {"username", "role", "localities", "display_name"} (what
    ui.common.user() hands to the pages), or removes that key.
    """
    con = con or db()
    if oidc_enabled() and getattr(st.user, "is_logged_in", False):
        email = str(st.user.get("email") or "").strip().lower()
        user = auth.load_user(con, email) if email else None
    else:
        name = st.session_state.get(SESSION_KEY)
        if name is None and not st.session_state.get("_chitieu_cookie_read"):
            st.session_state["_chitieu_cookie_read"] = True  # once per session: after logout it is not reread
            name = _cookie_user(con)
            if name:
                st.session_state[SESSION_KEY] = name
        user = auth.load_user(con, name) if name else None
        if name and user is None:  # disabled or removed since login
            st.session_state.pop(SESSION_KEY, None)
    if user is None:
        st.session_state.pop("user", None)
    else:
        st.session_state["user"] = {"username": user.username, "role": user.role, "display_name": user.label,
                                    "localities": [f"{s}:{c}" for s, c in user.localities]}
    return user


def is_admin(con=None) -> bool:
    return auth.is_role(current_user(con), "admin")


def write_gate(lang: str = "vi", con=None) -> auth.User | None:
    """For the write part of a page that also shows data: the analyst/admin, or None after an
    info line saying how to log in. Usage: `if (writer := write_gate(lang)) is not None: uploader...`"""
    con = con or db()
    user = current_user(con)
    if getattr(con, "read_only", False):
        st.warning(read_only_message(con, lang), icon=":material/lock:")
        return None
    if auth.is_role(user, *auth.WRITE_ROLES):
        return user
    if not auth.users_exist(con):
        msg = tr("setup_hint", lang)
    elif user is None:
        msg = ("Log in (sidebar) as an analyst to upload." if lang == "en"
               else "Đăng nhập (thanh bên) bằng tài khoản chuyên viên để tải lên.")
    else:
        msg = (f"{user.username} ({role_label(user.role, lang)}) may read but not upload." if lang == "en"
               else f"Tài khoản {user.username} ({role_label(user.role)}) chỉ được xem, không được tải lên.")
    st.info(msg, icon=":material/lock:")
    return None


def try_login(con, username: str, password: str) -> auth.User | None:
    """Check a login, throttled per client; a failure is audited (login.failed)."""
    key = _client_key()
    wait = THROTTLE.wait(key, time.monotonic())
    if wait > 0:
        st.error(tr("wait", s=math.ceil(wait)))
        return None
    user = auth.authenticate(con, username, password)
    if user is None:
        delay = THROTTLE.failed(key, time.monotonic())
        typed = (username or "").strip()[:64]
        audit_store.event(con, "anonymous", "login.failed", "user", typed,
                          {"client": client_address() or "?", "next_try_after_s": delay})
        st.error(tr("wrong") + (tr("wrong_wait", s=math.ceil(delay)) if delay else ""))
        return None
    THROTTLE.succeeded(key)
    _start_session(con, user)
    return user


def logout() -> None:
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop("_chitieu_cookie", None)
    st.session_state["_chitieu_cookie_read"] = True
    st.session_state["_chitieu_cookie_clear"] = True
    if oidc_enabled() and getattr(st.user, "is_logged_in", False):
        st.logout()


# ---- first administrator ---------------------------------------------------------------------

_SETUP_TOKENS: dict[str, str] = {}


def token_file(db_file: Path | None = None) -> Path:
    """Beside the DuckDB file; for a server database, in data/ of this installation."""
    location = db_file or settings.db_path()
    if settings.is_server_db(location):
        return settings.DATA_DIR / "server-db.setup-token"
    p = Path(location)
    return p.with_name(p.name + ".setup-token")


def _token_key() -> str:
    location = settings.db_path()
    return str(location) if settings.is_server_db(location) else str(Path(location).resolve())


def setup_token() -> str:
    """The set-up token of this server process (made, printed and written to a file once)."""
    key = _token_key()
    if key not in _SETUP_TOKENS:
        token = "-".join(secrets.token_hex(3) for _ in range(3))
        _SETUP_TOKENS[key] = token
        message = (f"Chỉ tiêu: mã thiết lập quản trị viên đầu tiên / first-administrator set-up token: {token}")
        print(message, file=sys.stderr, flush=True)
        log.warning(message)
        path = token_file()
        try:
            path.write_text(token + "\n", encoding="utf-8")
            os.chmod(path, 0o600)
        except OSError:  # read-only folder: the console has it
            pass
    return _SETUP_TOKENS[key]


def _forget_setup_token() -> None:
    _SETUP_TOKENS.pop(_token_key(), None)
    try:
        token_file().unlink(missing_ok=True)
    except OSError:
        pass


def create_first_admin(con, name: str, password: str, password2: str, display: str = "",
                       token: str | None = None) -> auth.User:
    """The set-up form's action; raises UserError with the message to show."""
    if not is_local_client():
        key = "setup:" + _client_key()
        wait = THROTTLE.wait(key, time.monotonic())
        if wait > 0:
            raise UserError("throttled", tr("wait", "vi", s=math.ceil(wait)), tr("wait", "en", s=math.ceil(wait)))
        if not hmac.compare_digest((token or "").strip().lower(), setup_token()):
            THROTTLE.failed(key, time.monotonic())
            audit_store.event(con, "anonymous", "login.failed", "setup", "first-admin",
                              {"client": client_address() or "?"})
            raise UserError("bad-token", *_T["bad_token"])
    username = auth.check_username(name)
    if password != password2:
        raise UserError("password-mismatch", *_T["mismatch"])
    password_hash = auth.hash_password(password)
    if not user_store.add_first_admin(con, username, password_hash, (display or "").strip() or None,
                                      actor=username):
        raise UserError("user-exists", *_T["exists"])
    _forget_setup_token()
    return auth.load_user(con, username)


def setup_box(con, box) -> None:
    local = is_local_client()
    with box.expander(tr("setup_title"), expanded=True):
        st.caption(tr("setup_local" if local else "setup_remote"))
        setup_token()  # printed and written once, before anyone needs it
        with st.form("setup_form", clear_on_submit=False):
            token = None if local else st.text_input(tr("token"), key="setup_token", type="password")
            name = st.text_input(tr("name"), value="admin", key="setup_name")
            display = st.text_input(tr("display"), key="setup_display")
            password = st.text_input(tr("password"), type="password", key="setup_password")
            password2 = st.text_input(tr("password2"), type="password", key="setup_password2")
            if st.form_submit_button(tr("create"), type="primary"):
                try:
                    user = create_first_admin(con, name, password, password2, display, token)
                except UserError as exc:
                    st.error(exc.message(_lang()))
                else:
                    _start_session(con, user)
                    st.rerun()


# ---- the sidebar box ----------------------------------------------------------------------------

def login_box(con=None) -> auth.User | None:
    """Sidebar box: the database's state, who is logged in and a logout button, or the login form
    (or, on a fresh install, the first-administrator set-up). A database that cannot be opened
    stops the run here with the product's message (the detail goes to the server log)."""
    audit_store.set_via(f"app:{client_address() or 'local'}")
    try:
        con = con or db()
        user = current_user(con)
        has_users = auth.users_exist(con)
    except DatabaseFault as exc:
        from ui.errors import show_fault
        show_fault(exc, _lang())
        st.stop()
        raise  # unreachable: st.stop() raises
    box = st.sidebar.container(key="login_box")
    if (token := st.session_state.pop("_chitieu_cookie", None)) is not None:
        _set_cookie_script(token, auth.SESSION_HOURS * 3600, box)
    elif st.session_state.pop("_chitieu_cookie_clear", False):
        _set_cookie_script("", 0, box)
    if getattr(con, "read_only", False):
        box.warning(read_only_message(con, _lang()), icon=":material/lock:")
    if user is not None:
        box.caption(tr("logged_in", name=user.label, role=role_label(user.role, _lang())))
        if box.button(tr("logout"), key="logout"):
            logout()
            st.rerun()
        return user
    if not has_users:
        box.info(tr("setup_hint"))
        if not getattr(con, "read_only", False):
            setup_box(con, box)
        return None
    with box.expander(tr("login")):
        if oidc_enabled() and st.button(tr("oidc"), key="oidc_login"):
            st.login()
        with st.form("login_form", clear_on_submit=True):
            name = st.text_input(tr("name"), key="login_name")
            password = st.text_input(tr("password_plain"), type="password", key="login_password")
            if st.form_submit_button(tr("submit")) and try_login(con, name, password):
                st.rerun()
    return None


def _deny(message: str) -> None:
    st.warning(message)
    st.stop()


def require_role(*roles: str, con=None) -> auth.User:
    """Stop the page unless the session's user has one of `roles`; returns the user."""
    con = con or db()
    user = current_user(con)
    if auth.is_role(user, *roles):
        return user
    needed = " / ".join(role_label(r) for r in roles)
    if not auth.users_exist(con):
        _deny(tr("setup_hint"))
    elif user is None:
        _deny(f"Trang này cần đăng nhập ({needed}). Hãy đăng nhập ở thanh bên.")
    else:
        _deny(f"Tài khoản {user.username} ({role_label(user.role)}) không có quyền vào trang này (cần {needed}).")
    raise AssertionError("unreachable")  # st.stop() raises


def require_write_role(con=None) -> auth.User:
    """Gate for upload pages: an analyst or an admin."""
    return require_role(*auth.WRITE_ROLES, con=con)


def require_write(user: auth.User, scheme: str, code: str, name: str = "", con=None) -> None:
    """Stop with a message unless `user` may write for (scheme, code)."""
    if not auth.can_write(user, scheme, code, con or db()):
        _deny(f"Bạn không có quyền ghi số liệu cho {name or scheme + ':' + code}.")

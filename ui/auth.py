"""Login for the dashboard: session, login form, role gates (Streamlit side of chitieu.auth).

Reading needs no login. A page that only writes starts with `user = require_write_role()`;
a page that shows data and also writes wraps its upload part in
`if (writer := write_gate(lang)) is not None:` and checks each locality with
`require_write(writer, scheme, code)` (or, for many rows, chitieu.auth.forbidden_localities)
before storing; admin pages start with `require_role("admin")`. The login box lives in the sidebar
(`login_box()`, called once by dashboard.py).

Password login: names and bcrypt hashes from the users table (`python -m loaders users`).
The session keeps only the user name; every run reloads the user, so disabling a user (or
changing their role) takes effect on their next click.

Single sign-on (OIDC): when `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's
`st.login`, needs the Authlib package), the box offers "Đăng nhập bằng tài khoản cơ quan"
and maps the identity provider's e-mail to a user of the same name — create it with
`python -m loaders users add ten@co-quan.gov.vn --role analyst` (the password is then unused).
Roles and localities still come from the users table, never from the identity provider.
"""
from __future__ import annotations

import time

import streamlit as st

from chitieu import auth, settings
from chitieu.store import open_db

SESSION_KEY = "chitieu_user"
THROTTLE = auth.LoginThrottle()
FIRST_ADMIN = "python -m loaders users add admin --role admin"


def db():
    return open_db(settings.db_path())


def oidc_enabled() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def current_user(con=None) -> auth.User | None:
    """The logged-in, active user of this session, or None (anonymous reader).

    Also mirrors it into st.session_state["user"] as {"username", "role", "localities",
    "display_name"} (what ui.common.user() hands to the pages), or removes that key.
    """
    con = con or db()
    if oidc_enabled() and getattr(st.user, "is_logged_in", False):
        email = str(st.user.get("email") or "").strip().lower()
        user = auth.load_user(con, email) if email else None
    else:
        name = st.session_state.get(SESSION_KEY)
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
    if auth.is_role(user, *auth.WRITE_ROLES):
        return user
    if not auth.users_exist(con):
        msg = (f"Uploading needs a login; no account exists yet. Create the first administrator with `{FIRST_ADMIN}`."
               if lang == "en" else
               f"Tải lên cần đăng nhập; chưa có tài khoản nào. Tạo quản trị viên đầu tiên bằng lệnh `{FIRST_ADMIN}`.")
    elif user is None:
        msg = ("Log in (sidebar) as an analyst to upload." if lang == "en"
               else "Đăng nhập (thanh bên) bằng tài khoản chuyên viên để tải lên.")
    else:
        msg = (f"{user.username} ({user.role}) may read but not upload." if lang == "en"
               else f"Tài khoản {user.username} ({user.role}) chỉ được xem, không được tải lên.")
    st.info(msg, icon=":material/lock:")
    return None


def try_login(con, username: str, password: str) -> auth.User | None:
    key = (username or "").strip().lower()
    now = time.monotonic()
    if THROTTLE.locked(key, now):
        st.error("Đăng nhập sai quá nhiều lần, hãy thử lại sau 5 phút. / Too many failed logins, wait 5 minutes.")
        return None
    user = auth.authenticate(con, username, password)
    if user is None:
        THROTTLE.failed(key, now)
        st.error("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khoá. / "
                 "Wrong name or password, or the account is disabled.")
        return None
    THROTTLE.succeeded(key)
    st.session_state[SESSION_KEY] = user.username
    return user


def logout() -> None:
    st.session_state.pop(SESSION_KEY, None)
    if oidc_enabled() and getattr(st.user, "is_logged_in", False):
        st.logout()


def login_box(con=None) -> auth.User | None:
    """Sidebar box: who is logged in and a logout button, or the login form."""
    con = con or db()
    user = current_user(con)
    box = st.sidebar.container(key="login_box")
    if user is not None:
        box.caption(f"Đăng nhập: {user.label} ({user.role})")
        if box.button("Đăng xuất", key="logout"):
            logout()
            st.rerun()
        return user
    if not auth.users_exist(con):
        box.info("Chưa có tài khoản nào: mọi người đều xem được. Để nhập số liệu, tạo quản trị viên đầu tiên "
                 f"bằng lệnh `{FIRST_ADMIN}`.")
        return None
    with box.expander("Đăng nhập (để nhập số liệu)"):
        if oidc_enabled() and st.button("Đăng nhập bằng tài khoản cơ quan", key="oidc_login"):
            st.login()
        with st.form("login_form", clear_on_submit=True):
            name = st.text_input("Tên đăng nhập", key="login_name")
            password = st.text_input("Mật khẩu", type="password", key="login_password")
            if st.form_submit_button("Đăng nhập") and try_login(con, name, password):
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
    if not auth.users_exist(con):
        _deny("Trang này cần đăng nhập, nhưng chưa có tài khoản nào. Tạo quản trị viên đầu tiên bằng lệnh "
              f"`{FIRST_ADMIN}`, rồi đăng nhập ở thanh bên.")
    elif user is None:
        _deny("Trang này cần đăng nhập (" + "/".join(roles) + "). Hãy đăng nhập ở thanh bên.")
    else:
        _deny(f"Tài khoản {user.username} ({user.role}) không có quyền vào trang này (cần "
              + "/".join(roles) + ").")
    raise AssertionError("unreachable")  # st.stop() raises


def require_write_role(con=None) -> auth.User:
    """Gate for upload pages: an analyst or an admin."""
    return require_role(*auth.WRITE_ROLES, con=con)


def require_write(user: auth.User, scheme: str, code: str, name: str = "", con=None) -> None:
    """Stop with a message unless `user` may write for (scheme, code)."""
    if not auth.can_write(user, scheme, code, con or db()):
        _deny(f"Bạn không có quyền ghi số liệu cho {name or scheme + ':' + code}.")

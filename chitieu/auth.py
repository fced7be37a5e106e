"""Who may do what: password hashing and role rules (no Streamlit, no SQL of its own).

Roles:
- viewer  — reads every page (so does an anonymous visitor: reading needs no login);
- analyst — stores plans and actuals only for the localities assigned to them and every
            locality below those in the hierarchy (localities.parent_*, admin_units.parent_code);
- leader  — (issue 13) approves, returns and unlocks a period's figures for the localities
            assigned to them and every locality below (chitieu/cycle.py); uploads nothing;
- admin   — everything, including users and the indicator catalogue.
A disabled user is treated as nobody. Unresolved localities (scheme 'unresolved') have no
parent, so only an admin (or an analyst assigned exactly that key) may write them.

Passwords: bcrypt over a SHA-256 digest of the password (so passwords longer than bcrypt's
72 bytes are not silently cut). Only the hash is ever stored; nothing here logs a password.

The command line: while the database has no users, the CLI is the operator's tool and needs
no --user; once users exist, write commands need --user NAME (or $CHITIEU_USER) of an active
user with the right role and localities, and that user's password: $CHITIEU_PASSWORD for
scripts, else asked once with getpass on a terminal; with neither, a clear message and exit 2
(never a hang waiting for stdin). Users commands need an admin once an active admin exists.
Every audit row written by the CLI also records the operating-system account (audit_log.via
= 'cli:<account>'), so "--user admin" typed by someone else is visible.

Login throttling (LoginThrottle) is per client address with a growing delay, never a lock on
the account: a guesser waits longer and longer, the real user at another desk is not slowed.
"""
from __future__ import annotations

import base64
import getpass
import hashlib
import os
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass

import bcrypt

from chitieu.errors import UserError
from chitieu.store import users as user_store

ROLES = ("viewer", "analyst", "leader", "admin")
WRITE_ROLES = ("analyst", "admin")
BCRYPT_ROUNDS = 12
HASH_PREFIX = "bcrypt-sha256$"
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    display_name: str = ""
    disabled: bool = False
    localities: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return self.display_name or self.username


# ---- validation ---------------------------------------------------------------------------

def check_username(name: str) -> str:
    """Normalise (strip, lower-case) and validate a user name; raises UserError 'invalid-username'."""
    n = unicodedata.normalize("NFC", str(name or "")).strip().lower()
    if not _USERNAME.match(n):
        raise UserError("invalid-username",
                        f'Tên đăng nhập "{name}" không hợp lệ: 2–64 ký tự a-z, 0-9, dấu . _ - @, không dấu.',
                        f'Invalid user name "{name}": 2-64 characters a-z, 0-9, . _ - @, no diacritics.')
    return n


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError("invalid-role", f'Vai trò "{role}" không hợp lệ (viewer, analyst, leader, admin).',
                        f'Invalid role "{role}" (viewer, analyst, leader, admin).')
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UserError("weak-password", f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.",
                        f"The password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise UserError("weak-password", "Mật khẩu quá dài.", "The password is too long.")
    return password


# ---- hashing ------------------------------------------------------------------------------

def _digest(password: str) -> bytes:
    raw = unicodedata.normalize("NFC", password).encode("utf-8")
    return base64.b64encode(hashlib.sha256(raw).digest())


def hash_password(password: str) -> str:
    """A salted bcrypt hash of the (validated) password, as text to store."""
    check_password(password)
    return HASH_PREFIX + bcrypt.hashpw(_digest(password), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches the stored hash; False for anything malformed."""
    if not isinstance(password, str) or not stored or not stored.startswith(HASH_PREFIX):
        return False
    try:
        return bcrypt.checkpw(_digest(password), stored[len(HASH_PREFIX):].encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("khong-phai-mat-khau"))
    return _DUMMY_HASH[0]


# ---- users --------------------------------------------------------------------------------

def _to_user(row: dict) -> User:
    return User(username=row["username"], role=row["role"], display_name=row.get("display_name") or "",
                disabled=bool(row.get("disabled")), localities=tuple(row.get("localities") or ()))


def load_user(con, username: str | None) -> User | None:
    """The active user of that name, or None (unknown or disabled)."""
    if not username:
        return None
    row = user_store.get_user(con, username)
    if row is None or row["disabled"]:
        return None
    return _to_user(row)


def authenticate(con, username: str, password: str) -> User | None:
    """The user when name and password match and the account is active; else None.

    Unknown names still cost one bcrypt check, so timing does not reveal which names exist.
    """
    try:
        name = check_username(username)
    except UserError:
        name = None
    row = user_store.get_user(con, name) if name else None
    if row is None:
        verify_password(password or "", _dummy_hash())
        return None
    if not verify_password(password or "", row["password_hash"]) or row["disabled"]:
        return None
    return _to_user(row)


def users_exist(con) -> bool:
    return user_store.count_users(con) > 0


# ---- rights -------------------------------------------------------------------------------

def is_role(user: User | None, *roles: str) -> bool:
    return user is not None and not user.disabled and user.role in roles


def can_write(user: User | None, scheme: str, code: str, con) -> bool:
    """May `user` store plans or actuals for locality (scheme, code)?"""
    if not is_role(user, *WRITE_ROLES):
        return False
    if user.role == "admin":
        return True
    assigned = set(user.localities)
    if not assigned:
        return False
    key = (scheme, code)
    return key in assigned or any(a in assigned for a in locality_ancestors(con, scheme, code))


def can_lead(user: User | None, scheme: str, code: str, con) -> bool:
    """May `user` approve, return or unlock figures of locality (scheme, code)? (issue 13: a leader of
    that locality or of a level above it; an admin.)"""
    if not is_role(user, "leader", "admin"):
        return False
    if user.role == "admin":
        return True
    assigned = set(user.localities)
    return bool(assigned) and ((scheme, code) in assigned
                               or any(a in assigned for a in locality_ancestors(con, scheme, code)))


def locality_ancestors(con, scheme: str, code: str) -> list[tuple[str, str]]:
    """Parents of a locality from the database and from the bundled unit registry (chitieu.units)."""
    found = user_store.ancestors(con, scheme, code)
    try:
        from chitieu import units
        found += [u.key for u in units.ancestors(scheme, code)]
    except (ImportError, AttributeError, OSError):  # registry not installed: the database alone decides
        pass
    return list(dict.fromkeys(found))


def forbidden_localities(user: User | None, localities, con) -> list[tuple[str, str]]:
    """The (scheme, code) pairs among `localities` that `user` may NOT write (each checked once).

    Upload paths turn these into blocking issues (code 'forbidden-locality') before storing.
    """
    return [key for key in dict.fromkeys(tuple(k) for k in localities) if not can_write(user, key[0], key[1], con)]


def forbidden(what_vi: str, what_en: str) -> UserError:
    return UserError("forbidden", f"Bạn không có quyền {what_vi}.", f"You are not allowed to {what_en}.")


def require_write(user: User | None, scheme: str, code: str, con, name: str = "") -> None:
    """Raise UserError 'forbidden' unless `user` may write for (scheme, code)."""
    if not can_write(user, scheme, code, con):
        shown = name or f"{scheme}:{code}"
        raise forbidden(f"ghi số liệu cho {shown}", f"write data for {shown}")


def require_role(user: User | None, *roles: str) -> None:
    if not is_role(user, *roles):
        raise forbidden("thực hiện thao tác này (cần vai trò " + "/".join(roles) + ")",
                        "do this (needs role " + "/".join(roles) + ")")


# ---- command line -------------------------------------------------------------------------

def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "operator"


PASSWORD_ENV = "CHITIEU_PASSWORD"


def cli_password(username: str) -> str:
    """The CLI user's password: $CHITIEU_PASSWORD, else typed once on a terminal; else UserError."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env is not None:
        return from_env
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise UserError("password-needed",
                        f"Cần mật khẩu của {username} nhưng không có bàn phím để nhập: đặt biến môi trường "
                        f"{PASSWORD_ENV} (cho tập lệnh) hoặc chạy lệnh trong cửa sổ dòng lệnh.",
                        f"The password of {username} is needed but there is no terminal to type it: set "
                        f"{PASSWORD_ENV} (for scripts) or run the command in a terminal.")
    return getpass.getpass(f"Mật khẩu của {username} / password: ")


def cli_user(con, username: str | None) -> User | None:
    """The user a CLI write command runs as; None means operator mode (no users exist yet).

    Raises UserError 'login-required' (users exist, no --user), 'unknown-user' (unknown or disabled),
    'password-needed' (no $CHITIEU_PASSWORD and no terminal), 'wrong-password' (audited as login.failed).
    """
    if not users_exist(con):
        return None
    if not username:
        raise UserError("login-required",
                        "Đã có tài khoản người dùng: hãy chạy lệnh với --user TÊN (hoặc đặt CHITIEU_USER).",
                        "Users exist: run the command with --user NAME (or set CHITIEU_USER).")
    name = check_username(username)
    user = load_user(con, name)
    if user is None:
        raise UserError("unknown-user", f'Không có người dùng đang hoạt động tên "{username}".',
                        f'No active user named "{username}".')
    if authenticate(con, name, cli_password(name)) is None:
        from chitieu.store.audit import event
        event(con, name, "login.failed", "user", name, {"where": "cli", "os_user": os_user()})
        raise UserError("wrong-password", f"Sai mật khẩu của {name}; không làm gì cả.",
                        f"Wrong password for {name}; nothing was done.")
    return user


def cli_actor(user: User | None, username: str | None = None) -> str:
    """The name recorded in the audit log for a CLI command."""
    return user.username if user else (username or f"cli:{os_user()}")


def cli_check_write(con, username: str | None, localities=()) -> str:
    """For build / import-actuals: check the --user may write every (scheme, code); returns the actor."""
    user = cli_user(con, username)
    if user is not None:
        require_role(user, *WRITE_ROLES)
        for scheme, code in localities:
            require_write(user, scheme, code, con)
    return cli_actor(user, username)


def cli_check_role(con, username: str | None, *roles: str) -> str:
    """For commands that write without a single locality (build: admin): returns the actor."""
    user = cli_user(con, username)
    if user is not None:
        require_role(user, *roles)
    return cli_actor(user, username)


def cli_check_admin(con, username: str | None) -> str:
    """For users commands: free while no active admin exists (first set-up), then admin only."""
    has_admin = any(r == "admin" and not d for r, d in user_store.roles(con))
    if not has_admin:
        return cli_actor(load_user(con, username) if username else None, username)
    user = cli_user(con, username)
    require_role(user, "admin")
    return cli_actor(user)


# ---- login cookie ---------------------------------------------------------------------------

SESSION_COOKIE = "chitieu_session"
SESSION_HOURS = 12
SECRET_KEY = "session_secret"


def session_secret(con) -> str:
    """The key that signs login cookies: kept in the database (survives restarts); a per-process key
    when the database cannot be written (logins then last until the server restarts)."""
    import secrets
    try:
        return user_store.meta_secret(con, SECRET_KEY, lambda: secrets.token_hex(32))
    except UserError:
        if not _PROCESS_SECRET:
            _PROCESS_SECRET.append(secrets.token_hex(32))
        return _PROCESS_SECRET[0]


_PROCESS_SECRET: list[str] = []


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _password_mark(password_hash: str) -> str:
    # Part of the signed text: changing the password ends every cookie made with the old one.
    return hashlib.sha256((password_hash or "").encode("utf-8")).hexdigest()[:16]


def _sign(secret: str, text: str) -> str:
    import hmac
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def make_session_token(username: str, password_hash: str, secret: str, now: float,
                       hours: float = SESSION_HOURS) -> str:
    """A signed, expiring token naming the user (for the login cookie; never put it in a URL)."""
    body = _b64(f"{username}|{int(now + hours * 3600)}|{_password_mark(password_hash)}".encode("utf-8"))
    return f"{body}.{_sign(secret, body)}"


def read_session_token(token: str | None, secret: str, password_hash_of, now: float) -> str | None:
    """The user name in a valid, unexpired token whose password is unchanged; else None.

    `password_hash_of(name)` returns the stored hash (None for an unknown user)."""
    import hmac
    if not token or not isinstance(token, str) or len(token) > 512 or "." not in token:
        return None
    body, _, sig = token.rpartition(".")
    if not hmac.compare_digest(_sign(secret, body), sig):
        return None
    try:
        name, expires, mark = _unb64(body).decode("utf-8").split("|")
        if int(expires) < now:
            return None
    except (ValueError, UnicodeDecodeError):
        return None
    stored = password_hash_of(name)
    if not stored or not hmac.compare_digest(_password_mark(stored), mark):
        return None
    return name


# ---- login throttling ---------------------------------------------------------------------

class LoginThrottle:
    """Slow down password guessing per client (its address), never lock the account.

    The first `free` failures of a client cost nothing; after that each failure doubles the time
    that client must wait before its next attempt (base, 2·base, 4·base … at most `cap` seconds).
    Other clients — the real user at their own desk — are not affected; a success clears the
    client's record, and a client silent for `forget` seconds starts afresh. Process-wide and
    thread-safe (shared by every session of the server); at most `max_clients` are remembered.
    """

    def __init__(self, free: int = 3, base: float = 2.0, cap: float = 300.0, forget: float = 3600.0,
                 max_clients: int = 10_000):
        self.free, self.base, self.cap, self.forget, self.max_clients = free, base, cap, forget, max_clients
        self._clients: dict[str, tuple[int, float]] = {}   # client -> (failures, time of the last one)
        self._lock = threading.Lock()

    def _delay(self, failures: int) -> float:
        extra = failures - self.free
        return 0.0 if extra < 0 else min(self.cap, self.base * (2 ** min(extra, 30)))

    def wait(self, client: str, now: float) -> float:
        """Seconds `client` must still wait before trying again (0: may try now)."""
        with self._lock:
            failures, last = self._clients.get(client, (0, now))
            if now - last > self.forget:
                self._clients.pop(client, None)
                return 0.0
            return max(0.0, last + self._delay(failures) - now) if failures else 0.0

    def failed(self, client: str, now: float) -> float:
        """Record a failure; returns the wait it imposes on that client."""
        with self._lock:
            failures, last = self._clients.get(client, (0, now))
            if now - last > self.forget:
                failures = 0
            if len(self._clients) >= self.max_clients and client not in self._clients:
                oldest = min(self._clients, key=lambda k: self._clients[k][1])
                self._clients.pop(oldest, None)
            self._clients[client] = (failures + 1, now)
            return self._delay(failures + 1)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

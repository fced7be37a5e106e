"""`python -m loaders users ACTION ...`: add, passwd, assign, disable, enable, role, list.

    python -m loaders users add admin --role admin                 # first administrator
    python -m loaders users add lan --role analyst --locality gso_2025:51 --user admin
    echo "$PW" | python -m loaders users passwd lan --password-stdin --user admin
    python -m loaders users assign lan --locality "Tỉnh Quảng Ngãi" [--replace] --user admin  # or scheme:code
    python -m loaders users disable lan --user admin
    python -m loaders users email lan --email lan@quangngai.gov.vn --user admin   # notifications by e-mail
    python -m loaders users list

Passwords are read with getpass (asked twice) or one line from stdin with --password-stdin;
never from the command line (it would land in the shell history and the process list).
While no active admin exists, these commands need no --user (first set-up); afterwards only
an admin may run them (`users list` is open to anyone who can read the database).
"""
from __future__ import annotations

import getpass
import os
import re
import sys
import unicodedata

from chitieu import auth, notify, settings
from chitieu.errors import UserError
from chitieu.store import open_db, require_writable
from chitieu.store import notify as notify_store
from chitieu.store import users as user_store

_EXPLICIT = re.compile(r"^(gso_pre2025|gso_2025|unresolved):[A-Za-z0-9._-]{1,64}$")
ACTIONS = ("add", "passwd", "assign", "disable", "enable", "role", "email", "list")


def add_user_option(parser) -> None:
    """--user NAME (default $CHITIEU_USER): who runs a write command (see chitieu.auth)."""
    parser.add_argument("--user", default=os.environ.get("CHITIEU_USER") or None,
                        help="run as this user (checked once users exist; default $CHITIEU_USER)")


def register(sub) -> None:
    p = sub.add_parser("users", help="quản lý người dùng / manage users",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("name", nargs="?", help="user name (a-z 0-9 . _ - @)")
    p.add_argument("--role", choices=auth.ROLES, help=", ".join(auth.ROLES))
    p.add_argument("--locality", action="append", default=[],
                   help="scheme:code, a code or an exact name; repeat for several")
    p.add_argument("--replace", action="store_true", help="assign: replace the localities instead of adding")
    p.add_argument("--display-name", help="full name shown in the app")
    p.add_argument("--email", help="e-mail address for notifications (add, email; \"\" clears it)")
    p.add_argument("--password-stdin", action="store_true", help="read the password as one line from stdin")
    add_user_option(p)
    p.set_defaults(func=run)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("password-needed", "Không có bàn phím để nhập mật khẩu: dùng --password-stdin.",
                        "No terminal to type the password: use --password-stdin.")
    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại / again: "):
        raise UserError("password-mismatch", "Hai lần nhập mật khẩu không khớp.", "The two passwords differ.")
    return first


def registry_matches(text: str) -> list[tuple[str, str, str]]:
    """The same look-up in the bundled unit registry (the database may not be built yet)."""
    try:
        from chitieu import units
    except ImportError:
        return []
    text = unicodedata.normalize("NFC", text.strip())
    scheme, sep, code = text.partition(":")
    if sep:
        unit = units.get_unit(scheme, code)
        return [(unit.scheme, unit.code, unit.name)] if unit else []
    return [(u.scheme, u.code, u.name) for u in units.all_units() if text in (u.code, u.name)]


def find(con, text: str) -> list[tuple[str, str, str]]:
    found = {(s, c): n for s, c, n in registry_matches(text)}
    found.update({(s, c): n for s, c, n in user_store.find_localities(con, text)})
    return sorted((s, c, n) for (s, c), n in found.items())


def resolve_localities(con, texts: list[str]) -> list[tuple[str, str]]:
    out = []
    for text in texts:
        found = find(con, text)
        if len(found) == 1:
            out.append(found[0][:2])
        elif not found and _EXPLICIT.match(text.strip()):
            scheme, code = (x.strip() for x in text.split(":", 1))
            print(f"Chú ý: {scheme}:{code} chưa có trong dữ liệu đơn vị / not in the loaded units yet",
                  file=sys.stderr)
            out.append((scheme, code))
        elif not found:
            raise UserError("unknown-locality", f'Không tìm thấy địa phương "{text}" (dùng scheme:code).',
                            f'Unknown locality "{text}" (use scheme:code).')
        else:
            options = "; ".join(f"{s}:{c} {n}" for s, c, n in found[:10])
            raise UserError("ambiguous-locality", f'"{text}" khớp nhiều địa phương: {options}. Dùng scheme:code.',
                            f'"{text}" matches several localities: {options}. Use scheme:code.')
    return out


def _existing(con, name: str) -> dict:
    row = user_store.get_user(con, name)
    if row is None:
        raise UserError("unknown-user", f'Không có người dùng "{name}".', f'No user named "{name}".')
    return row


def run(args) -> int:
    con = open_db(settings.db_path(args.db))
    if args.action == "list":
        return print_users(con)
    if not args.name:
        raise UserError("name-needed", "Thiếu tên người dùng.", "A user name is needed.")
    require_writable(con)  # a read-only database says so before any password is asked
    actor = auth.cli_check_admin(con, args.user)
    name = auth.check_username(args.name)
    if args.action == "add":
        if user_store.get_user(con, name) is not None:
            raise UserError("user-exists", f'Đã có người dùng "{name}".', f'User "{name}" already exists.')
        role = auth.check_role(args.role or "viewer")
        localities = resolve_localities(con, args.locality)
        notify.check_email(args.email)  # a bad address is refused before anything is written
        password_hash = auth.hash_password(read_password(args.password_stdin))
        user_store.add_user(con, name, role, password_hash, args.display_name, localities, actor=actor)
        if args.email:
            notify_store.set_email(con, name, args.email, actor=actor)
        print(f"Đã tạo / created {name} ({role})")
        if role in ("analyst", "leader") and not localities:
            print("Chú ý: chưa gán địa phương nào (users assign) / no localities assigned yet", file=sys.stderr)
        return 0
    _existing(con, name)
    if args.action == "passwd":
        user_store.set_password(con, name, auth.hash_password(read_password(args.password_stdin)), actor=actor)
    elif args.action == "assign":
        if not args.locality:
            raise UserError("locality-needed", "Thiếu --locality.", "--locality is needed.")
        after = user_store.set_localities(con, name, resolve_localities(con, args.locality), args.replace, actor)
        print("; ".join(f"{s}:{c}" for s, c in after))
    elif args.action in ("disable", "enable"):
        user_store.set_disabled(con, name, args.action == "disable", actor=actor)
    elif args.action == "email":  # issue 13: where notifications go by e-mail
        if args.email is None:
            raise UserError("email-needed", "Thiếu --email (\"\" để xoá địa chỉ).", "--email is needed (\"\" clears it).")
        notify_store.set_email(con, name, args.email, actor=actor)
    elif args.action == "role":
        user_store.set_role(con, name, auth.check_role(args.role or ""), actor=actor)
    print(f"Đã cập nhật / updated {name}")
    return 0


def _text(value) -> str:
    return value if isinstance(value, str) else ""  # None / NaN from pandas


def print_users(con) -> int:
    df = user_store.list_users(con)
    if df.empty:
        print("Chưa có người dùng. Tạo quản trị viên: python -m loaders users add admin --role admin\n"
              "No users yet. Create the administrator: python -m loaders users add admin --role admin")
        return 0
    for r in df.itertuples():
        state = "disabled" if r.disabled else "active"
        print("\t".join([r.username, r.role, state, _text(r.display_name), _text(r.localities)]))
    return 0

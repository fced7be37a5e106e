"""`python -m loaders cycle ACTION ...`: the reporting cycle (issue 13) from the command line.

    python -m loaders cycle calendar --year 2025                         # cut-off and due dates
    python -m loaders cycle deadline --year 2025 --period H1 --cutoff 2025-06-10 --due 2025-06-18 --user admin
    python -m loaders cycle missing --year 2025 --period H1 [--province "Tỉnh X"] [--today 2025-06-25]
    python -m loaders cycle submit  --locality gso_2025:51 --year 2025 --period H1 --user lan
    python -m loaders cycle approve --locality gso_2025:51 --year 2025 --period H1 --user lanhdao
    python -m loaders cycle return  --locality ... --comment "Thiếu số việc làm" --user lanhdao
    python -m loaders cycle unlock  --locality ... --comment "Sửa số liệu theo Cục Thống kê" --user lanhdao
    python -m loaders cycle state   --year 2025 --period H1
    python -m loaders cycle cascade --year 2026 [--province "Cao Bằng"] [--all]   # units' targets vs the level above

Write actions need --user (once users exist) and its password ($CHITIEU_PASSWORD or typed):
submit an analyst (or admin) of the locality; approve, return, unlock a leader of the locality
or of a level above (or an admin); deadline an admin. Everything is in the audit log.
"""
from __future__ import annotations

import os
import sys
from datetime import date

from chitieu import auth, cycle, settings
from chitieu.errors import UserError
from chitieu.periods import parse_period
from chitieu.store import cycle as cycle_store
from chitieu.store import open_db, require_writable
from loaders.commands.users import add_user_option, resolve_localities

ACTIONS = ("calendar", "deadline", "missing", "cascade", "state", "submit", "approve", "return", "unlock")


def register(sub) -> None:
    p = sub.add_parser("cycle", help="kỳ báo cáo: hạn nộp, gửi duyệt, duyệt, khoá / reporting cycle",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--period", default="FY", help="Q1, H1, 9M, FY, NM or a Vietnamese label")
    p.add_argument("--locality", help="scheme:code, a code or an exact name")
    p.add_argument("--province", help="missing: only this province's localities")
    p.add_argument("--comment", default="", help="return / unlock: the reason")
    p.add_argument("--cutoff", help="deadline: YYYY-MM-DD")
    p.add_argument("--due", help="deadline: YYYY-MM-DD")
    p.add_argument("--all", action="store_true", help="cascade: also the consistent ones")
    p.add_argument("--today", help="missing: count days from this date (default: today)")
    add_user_option(p)
    p.set_defaults(func=run)


def _date(text: str | None, what: str) -> date:
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise UserError("invalid-date", f'{what} "{text or ""}" không hợp lệ: dùng dạng NĂM-THÁNG-NGÀY (2025-06-20).',
                        f'Invalid {what} "{text or ""}": use YYYY-MM-DD.') from None


def _out(lines: list[str]) -> int:
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: the reader has gone, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def run(args) -> int:
    con = open_db(settings.db_path(args.db))
    period = parse_period(args.period)
    if args.action == "calendar":
        for d in cycle_store.calendar(con, args.year):
            print(f"{d.label_vi}\tchốt {d.cutoff:%d/%m/%Y}\thạn nộp {d.due:%d/%m/%Y}\t"
                  f"{'quản trị đặt' if d.source == 'admin' else 'mặc định'}")
        return 0
    if args.action == "missing":
        today = _date(args.today, "ngày") if args.today else date.today()
        frame = cycle_store.missing(con, args.year, period.code, today, province=args.province)
        states = [r if isinstance(r, str) else None for r in frame["state"]]
        return _out(["locality\ttargets\tmissing\tstate\tdue"] + [
            f"{r.locality_name}\t{r.targets}\t{r.missing}\t{cycle.STATE_VI.get(st, st)}\t{cycle.due_text(int(r.days))}"
            for r, st in zip(frame.itertuples(index=False), states)])
    if args.action == "cascade":
        from chitieu.cascade import VERDICT_VI, check
        frame = check(cycle_store.cascade_pairs(con, args.year, args.province))
        shown = frame if args.all else frame[frame["verdict"].isin(["gap", "incomplete"])]
        return _out([f"{len(shown)} / {len(frame)}"] + [
            f"{r.parent_name}\t{r.indicator}{' (' + r.scope + ')' if r.scope else ''}\t{VERDICT_VI[r.verdict]}\t"
            f"{r.message}" for r in shown.itertuples(index=False)])
    if args.action == "state":
        for r in cycle_store.states(con, args.year, period.code).itertuples(index=False):
            print(f"{r.locality_name}\t{cycle.STATE_VI.get(r.state, r.state)}\t{r.updated_by or ''}\t{r.comment or ''}")
        return 0
    require_writable(con)
    user = auth.cli_user(con, args.user)
    actor = auth.cli_actor(user, args.user)
    if args.action == "deadline":
        d = cycle_store.set_deadline(con, user, args.year, period.code, _date(args.cutoff, "ngày chốt"),
                                     _date(args.due, "hạn nộp"), actor=actor)
        print(f"Đã đặt / set {d.label_vi} {d.year}: chốt {d.cutoff:%d/%m/%Y}, hạn nộp {d.due:%d/%m/%Y}")
        return 0
    if not args.locality:
        raise UserError("locality-needed", "Thiếu --locality.", "--locality is needed.")
    (scheme, code), = resolve_localities(con, [args.locality])
    state = cycle_store.act(con, user, args.action, scheme, code, args.year, period.code, args.comment, actor=actor)
    print(f"{cycle.STATE_VI[state]} / {state}: {scheme}:{code} {period.label_vi} {args.year}")
    return 0


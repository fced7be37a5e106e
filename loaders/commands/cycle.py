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
    python -m loaders cycle request  --locality ... --year 2025 --indicator economic_growth \
                                     --message "Vì sao tăng trưởng thấp?" [--due 2025-07-05] --user lanhdao
    python -m loaders cycle answer   --request 3 --text "Do hạn hán" [--file giai-trinh.pdf] --user lan
    python -m loaders cycle close    --request 3 --user lanhdao
    python -m loaders cycle requests [--year 2025] [--locality ...] [--open]     # with state, answer, file
    python -m loaders cycle attachment --request 3 --out giai-trinh.pdf --user lanhdao   # save the attached file

Write actions need --user (once users exist) and its password ($CHITIEU_PASSWORD or typed):
submit and answer an analyst (or admin) of the locality; approve, return, unlock, request and
close a leader of the locality or of a level above (or an admin); deadline an admin; attachment
an analyst or leader of the locality. Everything is in the audit log.
"""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from chitieu import auth, cycle, settings
from chitieu.errors import UserError
from chitieu.periods import parse_period
from chitieu.store import cycle as cycle_store
from chitieu.store import open_db, require_writable
from loaders.commands.users import add_user_option, resolve_localities

ACTIONS = ("calendar", "deadline", "missing", "cascade", "state", "submit", "approve", "return", "unlock",
           "request", "answer", "close", "requests", "attachment")
NEEDS_YEAR = ("calendar", "deadline", "missing", "cascade", "state", "submit", "approve", "return", "unlock", "request")


def register(sub) -> None:
    p = sub.add_parser("cycle", help="kỳ báo cáo: hạn nộp, gửi duyệt, duyệt, khoá / reporting cycle",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("--year", type=int, help="the plan year (every action but answer, close, attachment)")
    p.add_argument("--period", default="FY", help="Q1, H1, 9M, FY, NM or a Vietnamese label")
    p.add_argument("--locality", help="scheme:code, a code or an exact name")
    p.add_argument("--province", help="missing: only this province's localities")
    p.add_argument("--comment", default="", help="return / unlock: the reason")
    p.add_argument("--cutoff", help="deadline: YYYY-MM-DD")
    p.add_argument("--due", help="deadline: YYYY-MM-DD; request: answer by this date (optional)")
    p.add_argument("--all", action="store_true", help="cascade: also the consistent ones")
    p.add_argument("--today", help="missing: count days from this date (default: today)")
    p.add_argument("--indicator", help="request: the target, by catalogue code or exact name")
    p.add_argument("--scope", help="request: the target's scope when it has several")
    p.add_argument("--message", help="request: what needs explaining")
    p.add_argument("--request", type=int, help="answer / close / attachment: the request number")
    p.add_argument("--text", help="answer: the explanation")
    p.add_argument("--file", help="answer: attach this file (pdf, docx, xlsx, png, jpeg; upload size limit)")
    p.add_argument("--out", help="attachment: save the file here")
    p.add_argument("--open", action="store_true", help="requests: only those not answered yet")
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


def _read(path: str) -> tuple[bytes, str]:
    p = Path(path)
    try:
        return p.read_bytes(), p.name
    except OSError:
        raise UserError("file-unreadable", f'Không đọc được tệp "{p.name}" (kiểm tra đường dẫn).',
                        f'Cannot read the file "{p.name}" (check the path).') from None


def _requests(con, args) -> int:
    scheme = code = None
    if args.locality:
        (scheme, code), = resolve_localities(con, [args.locality])
    frame = cycle_store.requests(con, scheme, code, args.year, open_only=args.open)
    lines = ["#\tlocality\ttarget\tstate\tdue\trequest\tanswer\tfile\thistory"]
    for r in frame.to_dict("records"):
        due = f"{r['due']:%d/%m/%Y}" if r.get("due") is not None and r["due"] == r["due"] else "–"
        size = r.get("attachment_size")
        file = f"{r['attachment_name']} ({cycle.size_text(int(size))})" if isinstance(r.get("attachment_name"), str) \
            else "–"
        answer = r["answer"] if isinstance(r.get("answer"), str) and r["answer"] else cycle.request_state_label("open")
        lines.append("\t".join(str(x) for x in (
            r["request_id"], r["locality_name"], r["name_vi"] + (f" ({r['scope']})" if r["scope"] else ""),
            cycle.request_state_label(r["state"]), due, r["message"], answer, file,
            " → ".join(cycle.request_steps(r)))))
    return _out(lines)


def _explain(con, args, user, actor) -> int:
    if args.action == "request":
        if not args.locality:
            raise UserError("locality-needed", "Thiếu --locality.", "--locality is needed.")
        if not args.indicator:
            raise UserError("indicator-needed", "Thiếu --indicator (mã hoặc tên chỉ tiêu).",
                            "--indicator (the target's code or name) is needed.")
        (scheme, code), = resolve_localities(con, [args.locality])
        indicator, scope = cycle_store.find_target(con, scheme, code, args.year, args.indicator, args.scope)
        due = _date(args.due, "hạn trả lời") if args.due else None
        rid = cycle_store.request_explanation(con, user, scheme, code, indicator, scope, args.year, args.message,
                                              due, actor=actor)
        print(f"Đã gửi yêu cầu giải trình số {rid} / explanation request {rid} sent: {scheme}:{code} {indicator}")
        return 0
    if args.request is None:
        raise UserError("request-needed", "Thiếu --request (số yêu cầu giải trình).",
                        "--request (the explanation request number) is needed.")
    if args.action == "answer":
        file = _read(args.file) if args.file else None
        cycle_store.answer_request(con, user, args.request, args.text, actor=actor, attachment=file)
        print(f"Đã gửi giải trình cho yêu cầu số {args.request} / answer sent"
              + (f" (kèm tệp / with {file[1]})" if file else ""))
        return 0
    if args.action == "close":
        cycle_store.close_request(con, user, args.request, actor=actor)
        print(f"Đã đóng yêu cầu số {args.request} / request {args.request} closed")
        return 0
    f = cycle_store.attachment(con, user, args.request)            # attachment
    if f is None:
        raise UserError("no-attachment", f"Yêu cầu số {args.request} không có tệp kèm.",
                        f"Request {args.request} has no attached file.")
    out = Path(args.out or f["file_name"])
    try:
        out.write_bytes(f["data"])
    except OSError:
        raise UserError("file-unwritable", f'Không ghi được tệp "{out.name}".', f'Cannot write "{out.name}".') from None
    print(f"Đã lưu / saved {out} ({cycle.size_text(len(f['data']))})")
    return 0


def run(args) -> int:
    if args.action in NEEDS_YEAR and args.year is None:
        raise UserError("year-needed", f"Thiếu --year cho thao tác {args.action}.", f"--year is needed for {args.action}.")
    con = open_db(settings.db_path(args.db))
    period = parse_period(args.period)
    if args.action == "requests":
        return _requests(con, args)
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
    if args.action == "attachment":   # a read, but of a file only the locality's people may open
        user = auth.cli_user(con, args.user)
        return _explain(con, args, user, auth.cli_actor(user, args.user))
    require_writable(con)
    user = auth.cli_user(con, args.user)
    actor = auth.cli_actor(user, args.user)
    if args.action == "deadline":
        d = cycle_store.set_deadline(con, user, args.year, period.code, _date(args.cutoff, "ngày chốt"),
                                     _date(args.due, "hạn nộp"), actor=actor)
        print(f"Đã đặt / set {d.label_vi} {d.year}: chốt {d.cutoff:%d/%m/%Y}, hạn nộp {d.due:%d/%m/%Y}")
        return 0
    if args.action in ("request", "answer", "close", "attachment"):
        return _explain(con, args, user, actor)
    if not args.locality:
        raise UserError("locality-needed", "Thiếu --locality.", "--locality is needed.")
    (scheme, code), = resolve_localities(con, [args.locality])
    state = cycle_store.act(con, user, args.action, scheme, code, args.year, period.code, args.comment, actor=actor)
    print(f"{cycle.STATE_VI[state]} / {state}: {scheme}:{code} {period.label_vi} {args.year}")
    return 0


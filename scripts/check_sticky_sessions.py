"""Why the balancer must be sticky: uploads through nginx in front of two replicas, in Chromium.

    .venv/bin/python scripts/check_sticky_sessions.py              # the README's sticky config
    .venv/bin/python scripts/check_sticky_sessions.py --round-robin   # the same without `hash`

Starts a PostgreSQL server in a temporary directory (tests/pg_server.py) with the tests' demo
data, two `streamlit run dashboard.py` replicas on it and nginx in front of them with the
configuration of scripts/bench_concurrency.py (the README's snippet). Then BROWSERS fresh
Chromium browsers each log in as an analyst and upload a filled actuals template: the upload is
an HTTP request to /_stcore/upload_file/<session>/..., which only the replica holding that
browser's session can take. With the sticky cookie every upload reaches its session and the
preview appears; round-robin sends some of them to the other replica, where the upload is lost
and the preview never comes. Prints one line per browser and exits 1 when an upload was lost.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_concurrency as bench  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--round-robin", action="store_true", help="leave out the sticky `hash` line")
    ap.add_argument("--browsers", type=int, default=4)
    args = ap.parse_args()
    if args.round_robin:
        bench.NGINX_CONF = bench.NGINX_CONF.replace("hash $chitieu_node consistent;", "# (round robin)")

    from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright

    from chitieu.store import close_db, open_db
    from loaders.actuals.excel_template import template_bytes
    from tests.conftest import DEMO_PASSWORD, fill_template, make_demo_db
    from tests.live_server import CHROMIUM, CHROMIUM_ARGS
    from tests.pg_server import PgServer

    lost = 0
    with PgServer.started() as pg:
        url = pg.create_database("sticky")
        make_demo_db(url)
        filled = Path(tempfile.mkdtemp(prefix="chitieu-sticky-")) / "ba_to_2022.xlsx"
        filled.write_bytes(fill_template(template_bytes(open_db(url), ["test:BTO"], 2022), {"economic_growth": 9.3}))
        close_db(url)
        replicas = [bench.Server(f"replica{i + 1}", ROOT / "dashboard.py", {"CHITIEU_DB": url}, ROOT) for i in range(2)]
        balancer = bench.Balancer("nginx", replicas)
        try:
            balancer.wait()
            print(f"nginx on {balancer.address} ({'round robin' if args.round_robin else 'sticky cookie'}) "
                  f"in front of {', '.join(r.address for r in replicas)}", flush=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for n in range(1, args.browsers + 1):
                    context = browser.new_context(locale="vi-VN")
                    page = context.new_page()
                    page.set_default_timeout(60_000)
                    page.goto(f"http://{balancer.address}/nhap-so-lieu?year=2022&tlocs=test:BTO")
                    page.get_by_text("Đăng nhập (để nhập số liệu)").click()
                    page.get_by_label("Tên đăng nhập").fill("ba_to")
                    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
                    page.get_by_role("button", name="Đăng nhập", exact=True).click()
                    page.get_by_text("Đăng nhập: ").first.wait_for()
                    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(filled))
                    try:
                        page.get_by_role("button", name="Xác nhận ghi").wait_for(timeout=20_000)
                        verdict = "upload reached its session, preview shown"
                    except PlaywrightTimeout:
                        verdict = "UPLOAD LOST: no preview after 20 s"
                        lost += 1
                    cookie = next((c["value"][:8] for c in context.cookies() if c["name"] == "chitieu_node"), "-")
                    print(f"  browser {n} (cookie {cookie}…): {verdict}", flush=True)
                    context.close()
                browser.close()
        finally:
            for r in replicas:
                r.stop()
            balancer.stop()
    print(f"{lost} of {args.browsers} uploads lost")
    return 1 if lost else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Streamlit helpers shared by dashboard.py and the pages.

- One DuckDB connection per process (st.cache_resource around chitieu.store.open_db); every
  read goes through chitieu.store.reads, which takes a cursor per query.
- Reads are cached (st.cache_resource: one shared object, each caller a copy-on-write handle)
  keyed by database path, data version and arguments;
  `after_write()` moves the version on (chitieu.store.version), so a stored plan or upload
  shows at once in every session and process, and sessions share what another computed.
- Filters live in st.session_state *and* in st.query_params, so the address bar is a link to
  exactly what is on screen. A page switch clears the query string; a saved copy in the
  session restores page filters when the page is opened again.
"""
from __future__ import annotations

import atexit
import copy
import functools
import importlib
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd
import streamlit as st

from chitieu import settings
from chitieu.periods import ALL_PERIODS, STANDINGS
from chitieu.store import DatabaseBusy, db_exists, open_db, reads
from chitieu.store.version import data_version
from ui.i18n import t

# ---------------------------------------------------------------- connection and cached reads


_DEFAULT_DB = Path(next(s.default for s in settings.SETTINGS if s.name == "CHITIEU_DB"))


def db_path() -> str:
    return str(settings.db_path())


def _still_open(con) -> bool:
    return not getattr(con, "closed", False)


# validate: a connection closed since it was cached (close_db: an operator's command, a test
# releasing the file) is opened again instead of failing every later view with "already closed".
@st.cache_resource(show_spinner=False, validate=_still_open)
def _connection(path: str):
    fresh = not db_exists(path)
    con = open_db(path)
    if fresh and Path(path).resolve() == _DEFAULT_DB.resolve():
        _build_sample(path)
    # National-size data: the whole country is judged in the background, before anyone asks; a few
    # seconds after the connection opens, so the first visitor's page (which needs one province) is
    # not drawn while ~1.5 s of judging holds the interpreter. A reader who asks for the whole country
    # sooner judges it at once (reads.judged_rows computes each key once, later readers wait for it).
    warm = threading.Timer(WARM_AFTER_S, reads.warm, args=(con, BIG))
    warm.name, warm.daemon = "chitieu-warm", True
    _WARMERS.append(warm)
    warm.start()
    return con


WARM_AFTER_S = 5.0
_WARMERS: list[threading.Timer] = []


@atexit.register
def _stop_warmers() -> None:
    """At exit, a warm-up still waiting is cancelled and a running one finished: a daemon thread
    inside DuckDB while the interpreter shuts down aborts the process ("terminate called ...")."""
    for warm in _WARMERS:
        warm.cancel()
    for warm in _WARMERS:
        warm.join(timeout=60)


def _build_sample(path: str) -> None:
    """First start on the default database: load data/ (plans, catalogue, sample actuals)."""
    try:
        build = importlib.import_module("loaders.build")
    except ImportError:
        return
    build.build_database(path)


def con():
    """The shared connection, or a clear message and stop when the file is held elsewhere."""
    try:
        return _connection(db_path())
    except DatabaseBusy as exc:
        st.error(t("db_busy", lang(), msg=exc.en if lang() == "en" else exc.vi))
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=256)
def _shared(fn_name: str, db: str, version: int, *args, **kwargs):
    return getattr(reads, fn_name)(_connection(db), *args, **kwargs)


def cached(fn_name: str, db: str, version: int, *args, **kwargs):
    """Cached call of chitieu.store.reads.<fn_name>(connection, *args) for database `db` at data
    `version` (shared by every session; a write anywhere moves the version on).

    The result is kept as one object (st.cache_resource), not pickled and copied on every hit as
    st.cache_data does (that copy was most of a cached read's cost); each caller gets its own handle."""
    return own(_shared(fn_name, db, version, *args, **kwargs))


def own(value):
    """A caller's own handle on a shared cached value. A DataFrame or Series is a lazy copy: with
    pandas' copy-on-write it costs nothing until the caller changes it, and a change never reaches
    the shared object. Lists and sets are copied, a dict's values get their own handles."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, dict):
        return {k: own(v) for k, v in value.items()}
    if isinstance(value, (list, set)):
        return copy.copy(value)
    return value


@st.cache_resource(show_spinner=False, max_entries=128)
def _derived(name: str, db: str, version: int, *args):
    module, fn = name.split(":")
    return getattr(importlib.import_module(module), fn)(*args)


def derived(fn: Callable, *args):
    """fn(*args), computed once per data version and arguments and shared by every session: for
    what a page derives from its reads (roll-ups, rankings, figures) that would otherwise be redone
    on every view. fn is a module-level function that reads through `read` (the same version) and
    draws nothing; its arguments are plain values (year, period, province, language).

    The value itself is returned, not a copy (a handle per frame of a page's model cost more than the
    rest of a view): a page reads it and makes new frames from it (filter, assign, rename), never
    changes it in place."""
    version = _run_version(con())
    return _derived(f"{fn.__module__}:{fn.__qualname__}", db_path(), version, *args)


def read(fn_name: str, *args, **kwargs):
    c = con()  # surfaces DatabaseBusy as a message before the cache is asked
    return cached(fn_name, db_path(), _run_version(c), *args, **kwargs)


def _run_version(c) -> int:
    """The data version, asked once per script run (every read of one view agrees on it; under 20
    concurrent sessions each extra query cost ~50 ms of waiting)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    memo = getattr(ctx, "_chitieu_version", None)
    if memo is not None and memo[0] is ctx.cursors:  # Streamlit gives every run a new cursors dict
        return memo[1]
    version = data_version(c)
    if ctx is not None:
        ctx._chitieu_version = (ctx.cursors, version)
    _forget_older(db_path(), version)
    return version


_SEEN: dict[str, int] = {}  # the newest data version this process has seen, per database
_SEEN_LOCK = threading.Lock()


def _forget_older(db: str, version: int) -> None:
    """When the version has moved on (a write in another process, or the command line), what was
    kept for older versions is never served again: drop it now rather than let it hold memory until
    max_entries pushes it out (at national size one status table is tens of MB), as after_write()
    does for a write made in this process."""
    with _SEEN_LOCK:
        last = _SEEN.get(db)
        if last is not None and version <= last:
            return
        _SEEN[db] = version
    if last is not None:
        _clear_caches()


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(builder: str, rows, title: str, language: str):
    # Plotly validates every property it is given (~100 ms for a chart of 40 bars here), so
    # figures are kept as objects (cache_resource: no copy); st.plotly_chart does not change them.
    from ui import charts
    return charts.built(getattr(charts, builder)(rows, title, language))  # its dict made once too


def figure(fig, key: str, where=None) -> None:
    """Draw a figure built once and shared (from `derived`): st.plotly_chart does not change it."""
    (where or st).plotly_chart(fig, key=key)


def chart(builder: str, rows, title: str, language: str, key: str, where=None) -> None:
    """Render ui.charts.<builder>(rows, title, language), cached on the data it shows."""
    (where or st).plotly_chart(_figure(builder, rows, title, language), key=key)


def after_write() -> None:
    """Call after every write (plan stored, upload confirmed or undone): the write's transaction has
    moved the data version on for every process (chitieu.store.transaction); this process drops
    what it kept and reads the new version for the rest of the run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    if (ctx := get_script_run_ctx()) is not None:
        ctx._chitieu_version = None  # the rest of this run reads the new version
    _clear_caches()


def _clear_caches() -> None:
    st.cache_data.clear()
    for shared in (_shared, _derived, _published, _demonstration, _figure):
        shared.clear()


# ---------------------------------------------------------------- query-string filters


def _from_query(key: str, options: Sequence, multi: bool):
    if key not in st.query_params:
        return None
    by_text = {str(o): o for o in options}
    if multi:
        vals = [by_text[v] for v in st.query_params.get_all(key) if v in by_text]
        return vals
    return by_text.get(st.query_params.get(key))


def _init(key: str, options: Sequence, default: Any, multi: bool, wkey: str | None = None) -> None:
    """Give the widget its starting value: live state, else the URL, else the saved copy, else default.

    A multi-choice keeps what is still offered (a year change keeps the localities that are still
    there) and starts from the default when nothing of the old choice is left, so the box never
    reads empty while the page shows something."""
    wkey = wkey or key
    offered = set(map(str, options))
    if multi:
        if wkey in st.session_state and st.session_state[wkey] is not None:
            current = [v for v in st.session_state[wkey] if str(v) in offered]
            if current or not st.session_state[wkey]:  # an emptied box is the reader's choice
                st.session_state[wkey] = current  # the reader's order
                return
        for candidate in (_from_query(key, options, multi), st.session_state.get("_keep_" + key), default):
            kept = [o for o in options if candidate is not None and o in list(candidate)]
            if kept:
                st.session_state[wkey] = kept
                return
        st.session_state[wkey] = []
        return
    if wkey in st.session_state and st.session_state[wkey] in options:
        return
    for candidate in (_from_query(key, options, multi), st.session_state.get("_keep_" + key), default):
        if candidate is not None and candidate in options:
            st.session_state[wkey] = candidate
            return
    st.session_state[wkey] = options[0] if options else None


def _remember(key: str, value: Any, multi: bool) -> None:
    st.session_state["_keep_" + key] = value
    if multi:
        st.query_params[key] = [str(v) for v in value]
    elif value is not None:
        st.query_params[key] = str(value)


def _widget_key(key: str) -> str:
    """Widgets whose option labels are translated get a key per language: Streamlit keeps drawing
    the old labels ("Cả năm", "Tất cả") for a widget whose key did not change. The value itself
    lives under `key` (URL and session), so it carries over."""
    return key if key == "lang" or lang() == "vi" else f"{key}__{lang()}"


def select(key: str, label: str, options: Sequence, default: Any = None, *, format_func: Callable = str,
           where=None, **kw):
    """st.selectbox whose value is kept in the URL (?key=value)."""
    options = list(options)
    wkey = _widget_key(key)
    _init(key, options, default, multi=False, wkey=wkey)
    kw.setdefault("placeholder", t("choose", lang()))
    value = (where or st).selectbox(label, options, key=wkey, format_func=format_func, **kw)
    if wkey != key:
        st.session_state[key] = value
    _remember(key, value, multi=False)
    return value


def multiselect(key: str, label: str, options: Sequence, default: Sequence | None = None, *,
                format_func: Callable = str, where=None, **kw):
    """st.multiselect whose values are kept in the URL (?key=a&key=b)."""
    options = list(options)
    wkey = _widget_key(key)
    _init(key, options, list(default or []), multi=True, wkey=wkey)
    kw.setdefault("placeholder", t("choose_many", lang()))
    value = (where or st).multiselect(label, options, key=wkey, format_func=format_func, **kw)
    if wkey != key:
        st.session_state[key] = value
    _remember(key, value, multi=True)
    return value


def text(key: str, label: str, where=None, **kw) -> str:
    """st.text_input kept in the URL."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key) or st.session_state.get("_keep_" + key, "")
    value = (where or st).text_input(label, key=key, **kw)
    st.session_state["_keep_" + key] = value
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]
    return value


# ---------------------------------------------------------------- app icon


@st.cache_resource(show_spinner=False)
@functools.lru_cache(maxsize=1)
def app_icon() -> bytes:
    """The tab icon, drawn here (a red flag with a yellow star): a `:material/…:` or emoji icon
    makes the browser fetch it from a public CDN, and nothing may be fetched from outside.
    Drawn and encoded once per process (PNG bytes), not on every view."""
    import io
    import math

    from PIL import Image, ImageDraw
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rectangle([4, 12, 60, 52], fill=(218, 37, 29, 255))
    cx, cy, r = 32, 32, 13
    pts = [(cx + (r if k % 2 == 0 else r * 0.4) * math.sin(k * math.pi / 5),
            cy - (r if k % 2 == 0 else r * 0.4) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(pts, fill=(255, 205, 0, 255))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------- shared sidebar filters


def lang() -> str:
    return st.session_state.get("lang") or settings.get("CHITIEU_LANG")


def sidebar_filters() -> dict:
    """Year, period ("as of") and language in the sidebar; returns them as a dict."""
    side = st.sidebar
    language = select("lang", "Ngôn ngữ / Language", ["vi", "en"], settings.get("CHITIEU_LANG"), where=side,
                      format_func=lambda c: {"vi": "Tiếng Việt", "en": "English"}[c])
    years = read("plan_years")
    side.markdown(f"**{t('sidebar_filters', language)}**")
    year = select("year", t("year", language), years, read("default_year"), where=side) if years else None
    periods = [p.code for p in ALL_PERIODS]
    labels = {p.code: p.label(language) for p in ALL_PERIODS}
    period = select("period", t("as_of", language), periods, "FY", where=side, format_func=labels.get)
    province = None
    if year is not None:
        provs = read("provinces", year)
        counts = {p: n for p, n in zip(provs["province"], provs["localities"]) if p}  # '' means all
        # A national database opens on its largest province; the whole country is offered too
        # (bulk verdicts, and a roll-up instead of thousands of bars: ui/national.py).
        big = sum(counts.values()) > BIG and bool(counts)
        default = max(counts, key=counts.get) if big else ""
        province = select("prov", t("province", language), ["", *counts], default,
                          where=side,
                          format_func=lambda p: t("all_provinces", language) if p == "" else
                          f"{p} ({counts[p]})") or None
    if demo_available():  # only where there is something illustrative to show or hide
        toggle("demo", t("demo_toggle", language), where=side, help=t("demo_toggle_help", language))
    side.caption(t("share_hint", language))
    return {"year": year, "period": period, "lang": language, "province": province}


def toggle(key: str, label: str, default: bool = True, where=None, **kw) -> bool:
    """st.toggle kept in the URL (?key=0 when off, nothing when on)."""
    if key not in st.session_state:
        st.session_state[key] = (st.query_params.get(key) != "0") if key in st.query_params else \
            st.session_state.get("_keep_" + key, default)
    value = (where or st).toggle(label, key=key, **kw)
    st.session_state["_keep_" + key] = value
    if value == default and key in st.query_params:
        del st.query_params[key]
    elif value != default:
        st.query_params[key] = "1" if value else "0"
    return value


# ---------------------------------------------------------------- illustrative (demonstration) figures


@st.cache_data(show_spinner=False, max_entries=8)
def _demo_uploads(db: str, version: int):
    from chitieu.store.actuals import list_uploads
    from loaders.actuals.sample import ILLUSTRATIVE_FILES
    up = list_uploads(_connection(db))
    return up[up["sample"] & up["undone_at"].isna() & up["file_name"].isin(ILLUSTRATIVE_FILES)]


def demo_uploads():
    """The stored uploads of illustrative figures (bundled sample data) that are switched on."""
    c = con()
    return _demo_uploads(db_path(), _run_version(c))


@st.cache_data(show_spinner=False, max_entries=8)
def _seed_plans(db: str, version: int) -> tuple[str, ...]:
    from loaders.actuals.sample import seed_plan_keys
    return tuple(seed_plan_keys(_connection(db)))


def demo_available() -> bool:
    """Is there anything illustrative to show or hide (the bundled plans, the bundled illustrative file)?"""
    c = con()
    return bool(_seed_plans(db_path(), _run_version(c))) or not demo_uploads().empty


def show_demo() -> bool:
    return bool(st.session_state.get("demo", st.session_state.get("_keep_demo", True)))


def without_illustrative(rows):
    """The same targets judged on published figures only (pure): an illustrative figure is never
    laid over a published one, so dropping it leaves the target without a figure."""
    if rows.empty or not rows["illustrative"].fillna(False).astype(bool).any():
        return rows
    ill = rows["illustrative"].fillna(False).astype(bool)
    out = rows.copy()
    for col in ("actual", "actual_verdict", "assigned_value", "actual_period", "actual_months", "actual_standing",
                "actual_source", "actual_note"):
        if col in out.columns:
            out[col] = out[col].astype(object).where(~ill, None)
    out["illustrative"] = False
    if "n_values" in out.columns:
        out.loc[ill, "n_values"] = 0
    return reads.attach_status(out.drop(columns=[c for c in _VERDICT_COLS if c in out.columns]))


_VERDICT_COLS = ("status", "percent", "rule", "severity", "period_vi", "period_en")


@st.cache_resource(show_spinner=False, max_entries=128)
def _published(db: str, version: int, *args, **kwargs):
    return without_illustrative(cached("status_table", db, version, *args, **kwargs))


@st.cache_resource(show_spinner=False, max_entries=128)
def _demonstration(db: str, version: int, *args, **kwargs):
    from chitieu.periods import parse_period
    from loaders.actuals.sample import demo_figures
    rows = cached("status_table", db, version, *args, **kwargs)
    seeds = _seed_plans(db, version)
    if rows.empty or not seeds:
        return rows
    period = args[1] if len(args) > 1 else kwargs.get("period", "FY")
    shown = demo_figures(rows, parse_period(period).months, seeds)
    if shown is rows:
        return rows
    return reads.attach_status(shown.drop(columns=[c for c in _VERDICT_COLS if c in shown.columns]))


def statuses(*args, demo: bool | None = None, **kwargs):
    """reads.status_table(...) as the reader chose to see it: the bundled plans with illustrative
    figures for the targets without one (the demonstration), or published figures only
    (demo: that choice, when not the session's own)."""
    version = _run_version(con())
    if show_demo() if demo is None else demo:
        return own(_demonstration(db_path(), version, *args, **kwargs))
    return own(_published(db_path(), version, *args, **kwargs))


def overview_parts(year: int, period: str, province: str | None, language: str, demo: bool) -> dict:
    """ui.charts.overview_parts of the statuses as shown; for `derived` (once per data version)."""
    from ui import charts
    return charts.overview_parts(statuses(year, period, province=province, demo=demo), language)


def has_figures(code: str, period: str, province: str | None) -> bool:
    """Does the indicator have a numeric target with a figure (as the reader sees it)? For defaults."""
    rows = statuses(None, period, None, code, province=province)
    return bool(not rows.empty and (rows["comparator"] != "qualitative").any()
                and (rows["value"].notna() & rows["actual"].notna()).any())


def demo_banner(rows, year, language: str) -> None:
    """Say plainly when a page shows illustrative figures, with the one click that hides them."""
    if rows is None or rows.empty or not demo_available():
        return
    n = int(rows["illustrative"].fillna(False).astype(bool).sum()) if "illustrative" in rows else 0
    left, right = st.columns([4, 1], vertical_alignment="center")
    if show_demo() and n:
        left.info(t("demo_banner", language, year=year, n=n, total=len(rows)), icon=":material/science:")
        right.button(t("demo_off", language), key="demo_off", on_click=_set_demo, args=(False,))
    elif not show_demo():
        left.caption(t("demo_hidden", language))
        right.button(t("demo_on", language), key="demo_on", on_click=_set_demo, args=(True,))


def _set_demo(value: bool) -> None:
    st.session_state["demo"] = value


BIG = 200  # localities in a year beyond which pages start on one province


def filters() -> dict:
    """The shared filters as last set by the sidebar (pages call this)."""
    return {"year": st.session_state.get("year"), "period": st.session_state.get("period") or "FY",
            "lang": lang(), "province": st.session_state.get("prov") or None}


def period_label(code: str, language: str) -> str:
    return next((p.label(language) for p in ALL_PERIODS if p.code == code), code)


def empty_state(message: str) -> None:
    st.info(message, icon=":material/info:")


def user() -> dict | None:
    """The signed-in user set by the login hook in dashboard.py (None: no login configured)."""
    return st.session_state.get("user")


# ---------------------------------------------------------------- status with its "why"


def status_title(r: dict, language: str, with_locality: bool = False) -> str:
    """One line that names a target and its status in words (never colour alone)."""
    from ui.format import pct
    from ui.i18n import indicator_name, status_label
    share = f" · {pct(r['percent'])}" if pd.notna(r.get("percent")) else ""
    mark = f" ({t('illustrative_mark', language)})" if r.get("illustrative") else ""
    number = f"{int(r['number'])}. " if pd.notna(r.get("number", None)) else ""
    head = f"{number}{status_label(r['status'], language)}{share}{mark} — {indicator_name(r, language)}"
    return f"{head} — {r['locality_name']}" if with_locality else head


def why(r: dict, language: str) -> None:
    """The answer to "why this status": plan sentence, actual with period and standing, rule and numbers."""
    from ui.format import target_text, with_unit
    tt = target_text(r["comparator"], r.get("value"), r.get("value_high"), r.get("unit", ""), language)
    st.markdown(f"**{t('plan_sentence', language)}:** “{r.get('text') or '–'}”")
    if isinstance(r.get("actual_period"), str) and r["actual_period"]:  # a frame's gap is NaN, and NaN is true
        standing = r["actual_standing"] if isinstance(r.get("actual_standing"), str) and r["actual_standing"] else "–"
        if standing in {s.code for s in STANDINGS}:
            standing = next(s.label(language) for s in STANDINGS if s.code == standing).lower()
        st.markdown(f"**{t('target', language)}:** {tt} · **{t('actual', language)}:** "
                    f"{with_unit(r.get('actual'), r.get('unit'))} ({period_label(r['actual_period'], language)}, "
                    f"{t('standing', language).lower()}: {standing})")
    else:
        st.markdown(f"**{t('target', language)}:** {tt}")
    st.markdown(f"**{t('rule', language)}:** {reads.explanation(r, language)}")  # words, never the rule's code
    if r.get("illustrative"):
        st.caption(t("illustrative", language))
    if isinstance(r.get("actual_source"), str) and r["actual_source"].strip():
        st.caption(f"{t('source', language)}: {r['actual_source']}")
    if (r.get("n_values") or 0) > 1:
        st.warning(t("conflict", language, n=int(r["n_values"])), icon=":material/warning:")
    from ui import cycle as cycle_ui  # issue 13: submitted/approved, explanation requests and answers
    cycle_ui.why_extra(r, language)


def status_list(rows, language: str, with_locality: bool = False, limit: int = 50, lazy: str | None = None,
                heads: list[dict] | None = None) -> None:
    """Each target as an expander titled by its status (icon + words); opening it shows why.

    lazy: a key prefix; each "why" is then drawn only once its expander is opened (see `expander`),
    instead of being built and sent, closed, with every view. heads: charts.title_records(rows)
    when a shared page model has them already."""
    if lazy is None:
        for r in rows.iloc[:limit].to_dict("records"):
            with st.expander(status_title(r, language, with_locality)):
                why(r, language)
        return
    from ui.charts import title_records
    heads = title_records(rows, limit) if heads is None else heads[:limit]
    for i, r in enumerate(heads):  # a whole row is made into a dict only for an opened expander
        box = expander(status_title(r, language, with_locality), key=f"{lazy}_{r.get('target_id', i)}")
        if box.open:
            with box:
                why(rows.iloc[[i]].to_dict("records")[0], language)


def expander(label: str, key: str, *, expanded: bool = False, where=None, **kw):
    """An expander whose content the caller draws only while it is open:

        box = common.expander(label, key="...")
        if box.open:
            with box:
                ...

    A closed st.expander's content is still built and sent with every view (most of the overview's
    cost: the "why" of 50 targets and three tables nobody had opened). This one keeps its open state
    (per session, under `key`); opening it reruns the page, which then draws the content."""
    return (where or st).expander(label, expanded=expanded, key=key, on_change="rerun", **kw)


TABLE_ROWS = 1000
NARROW_PX = 92


def table(df, columns: dict[str, str], numbers: Sequence[str] = (), percents: Sequence[str] = (),
          wide: Sequence[str] = (), **kw):
    """A sortable table: `columns` maps source column -> header (already translated); numbers in
    Vietnamese notation, still sorted as numbers. Columns in `wide` (long names, sentences) get the
    room; the others stay narrow, so the table fits the page instead of running off to the right."""
    from ui.format import vn_table
    if len(df) > TABLE_ROWS:  # national scale: a table is for reading, filters narrow it down
        st.caption(t("table_cut", lang(), n=TABLE_ROWS, total=len(df)))
        df = df.head(TABLE_ROWS)
    view = df[list(columns)].rename(columns=columns)
    for c in view.columns:  # text cells never read "None" or "True"; numeric ones keep their type for sorting
        if pd.api.types.is_bool_dtype(view[c]):
            view[c] = view[c].map({True: t("yes", lang()), False: ""})
        elif view[c].dtype == object or pd.api.types.is_string_dtype(view[c]):
            cells = view[c].astype(object)
            missing = cells.isna() | cells.map(lambda v: isinstance(v, str) and v.strip() in ("None", "nan", ""))
            view[c] = cells.where(~missing, "–").map(lambda v: t("yes", lang()) if v is True else
                                                     ("" if v is False else v))
    if wide:  # fit ~820 px (the main area at 1280×720): narrow columns fixed, the wide ones share the rest
        narrow = [c for c in columns if c not in wide]
        share = max(150, int((810 - NARROW_PX * len(narrow)) / len(wide)))
        config = {h: st.column_config.Column(width=share if c in wide else NARROW_PX) for c, h in columns.items()}
        kw.setdefault("column_config", config)
    # st.dataframe draws a missing number as a grey "None" whatever the format says: a numeric
    # column with gaps is shown as text ('–' in the gaps); a complete one stays numeric (sorts by value).
    from ui.format import num, pct
    for c in [*numbers, *percents]:
        h = columns[c]
        if h in view.columns and view[h].isna().any():
            view[h] = [("–" if pd.isna(v) else (pct(v) if c in percents else num(v))) if not isinstance(v, str)
                       else v for v in view[h]]
    numeric = [columns[c] for c in numbers if pd.api.types.is_numeric_dtype(view[columns[c]])]
    pcts = [columns[c] for c in percents if pd.api.types.is_numeric_dtype(view[columns[c]])]
    return st.dataframe(vn_table(view, numeric, pcts), hide_index=True, **kw)


def with_texts(rows, language: str) -> pd.DataFrame:
    """`rows` (status-table rows) with the columns a table shows in words: target ('≥ 95%'),
    actual_text ('93,1% (Cả năm) ◇') and status_text ('✔ Đạt')."""
    from ui.format import target_text
    from ui.i18n import status_label
    return rows.assign(target=[target_text(c, v, h, u, language) for c, v, h, u in
                               zip(rows["comparator"], rows["value"], rows["value_high"], rows["unit"])],
                       actual_text=actual_text(rows, language),
                       status_text=rows["status"].map(lambda s: status_label(s, language)))


def actual_text(rows, language: str, with_period: bool = True) -> list[str]:
    """'93,1% (Cả năm) ◇' per row: the figure with its unit, its period and the illustrative mark."""
    from ui.format import with_unit
    per = rows["period_en" if language == "en" else "period_vi"]
    return [("–" if pd.isna(a) and not isinstance(v, str) else
             (with_unit(a, u) if pd.notna(a) else {"dat": "Đạt", "khong_dat": "Không đạt"}.get(v, "–")))
            + (f" ({p})" if with_period and isinstance(p, str) and p else "") + (" ◇" if ill is True else "")
            for a, u, p, ill, v in zip(rows["actual"], rows["unit"], per, rows["illustrative"],
                                       rows.get("actual_verdict", pd.Series([None] * len(rows), index=rows.index)))]


# ---------------------------------------------------------------- actuals page: preview and history


def _period_words(code, language: str) -> str:
    from chitieu.periods import parse_period
    if not code:
        return "–"
    try:
        return parse_period(code).label(language)
    except Exception:  # noqa: BLE001 — an unreadable period is shown as typed; its row carries the error
        return str(code)


def _standing_words(code, language: str) -> str:
    return next((s.label(language) for s in STANDINGS if s.code == code), "–" if not code else str(code))


def error_lines(preview, language: str, limit: int = 10) -> str:
    """'- Dòng 5 (Số liệu): lý do' for each row with an error, so the red box says which row and why."""
    lines = [f"- {t('row_ref', language, row=r.row)} ({r.sheet}): "
             + "; ".join(i.message(language) for i in r.issues if i.severity == "error")
             for r in preview.rows if r.outcome == "error"]
    more = len(lines) - limit
    return "\n".join(lines[:limit] + ([f"- … (+{more})"] if more > 0 else []))


def preview_table(preview, language: str) -> None:
    """The dry run as a reader-facing table: rows with errors first, the reason next to the row
    number, indicator names, periods and standings in words (no codes), narrow enough for a laptop."""
    from ui.format import num
    from ui.i18n import column_label
    cat = read("catalogue")
    names = dict(zip(cat["code"], cat["name_en" if language == "en" else "name_vi"]))
    order = {"error": 0, "warning": 1, "ok": 2}
    recs = sorted(preview.rows, key=lambda r: (order.get(r.outcome, 3), r.sheet, r.row))
    several = len({r.locality_name for r in recs}) > 1

    def value(r) -> str:
        if r.verdict:
            return {"dat": "Đạt", "khong_dat": "Không đạt"}.get(r.verdict, str(r.verdict))
        return "–" if r.value is None else f"{num(r.value)} {r.unit or ''}".strip()

    df = pd.DataFrame([{
        "row": t("row_ref", language, row=r.row), "outcome": t(f"outcome_{r.outcome}", language),
        "why": "; ".join(i.message(language) for i in r.issues),
        "indicator": (f"{r.locality_name} — " if several and r.locality_name else "")
        + names.get(r.indicator, r.indicator) + (f" ({r.scope})" if r.scope else ""),
        "period": _period_words(r.period, language), "value": value(r),
        "standing": _standing_words(r.standing, language),
        "change": (t(f"change_{r.change}", language) if r.change else "")
        + (f" ({column_label('previous_value', language).lower()}: {num(r.previous_value)})"
           if r.previous_value is not None else "")} for r in recs])
    cols = ["row", "outcome", "why", "indicator", "period", "value", "standing", "change"]
    table(df, {c: column_label(c, language) for c in cols}, wide=["why", "indicator", "change"],
          key="preview_table")


def uploads_view(uploads, language: str):
    """The upload history for reading: bundled sample files named in words, times to the minute."""
    from loaders.actuals.sample import ILLUSTRATIVE_FILES
    view = uploads.copy()
    view["file_name"] = [
        (t("sample_illustrative" if f in ILLUSTRATIVE_FILES else "sample_reported", language) if sample else f)
        for f, sample in zip(view["file_name"], view["sample"])]
    view["uploader"] = [t("sample_uploader", language) if sample else u for u, sample in
                        zip(view["uploader"], view["sample"])]
    for col in ("uploaded_at", "undone_at"):
        view[col] = [v.strftime("%d/%m/%Y %H:%M") if pd.notna(v) else "" for v in pd.to_datetime(view[col])]
    return view


def undo_box(uploads, shown, writer, language: str) -> None:
    """Undo an upload: the one just made is offered first, and a second click confirms."""
    from chitieu.auth import forbidden_localities
    from chitieu.errors import UserError
    from chitieu.store.actuals import undo_upload
    undoable = uploads[uploads["undone_at"].isna()]["upload_id"].tolist()
    if not undoable:
        return
    label = dict(zip(shown["upload_id"], shown["file_name"]))
    mine = st.session_state.get("stored_id")
    if mine in undoable and st.session_state.get("_undo_offered") != mine:  # a new upload: offer it first
        st.session_state.update({_widget_key("undo_id"): mine, "_keep_undo_id": mine, "_undo_offered": mine})
    first = mine if mine in undoable else next(iter(uploads[~uploads["sample"].astype(bool)]["upload_id"]),
                                               undoable[0])
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    uid = int(select("undo_id", t("undo_pick", language), undoable, first, where=left,
                     format_func=lambda i: f"#{i} — {label[i]}"))
    def denied() -> bool:  # an analyst undoes only uploads wholly within their localities
        n = len(forbidden_localities(writer, reads.upload_localities(con(), uid), con()))
        if n:
            st.error(t("no_right_undo", language, n=n))
        return bool(n)

    if right.button(t("undo", language), key="undo_btn") and not denied():
        st.session_state["undo_ask"] = uid
    if st.session_state.get("undo_ask") != uid:
        return
    rows = int(uploads.set_index("upload_id").at[uid, "rows_accepted"])
    st.warning(t("undo_ask", language, id=uid, file=label[uid], n=rows), icon=":material/undo:")
    yes, no = st.columns([1, 4])
    if no.button(t("undo_no", language), key="undo_no"):
        st.session_state.pop("undo_ask", None)
        st.rerun()
    if yes.button(t("undo_yes", language), type="primary", key="undo_yes"):
        st.session_state.pop("undo_ask", None)
        if denied():
            return
        try:
            from chitieu.store import cycle as cycle_store  # an approved (locked) period refuses undo (issue 13)
            cycle_store.refuse_if_locked(con(), cycle_store.upload_keys(con(), uid))
            undo_upload(con(), uid, writer.username)
            after_write()
            st.success(t("undone", language, id=uid))
        except UserError as exc:
            st.error(exc.en if language == "en" else exc.vi)


def counts_table(counts, language: str) -> None:
    """[group, status, n] as a table: one row per group, one column per status (icon and words)."""
    from ui.charts import STATUS_ORDER
    from ui.i18n import status_label
    if counts.empty:
        return
    group = counts.columns[0]
    wide = counts.pivot_table(index=group, columns="status", values="n", aggfunc="sum", fill_value=0)
    cols = [s for s in STATUS_ORDER if s in wide.columns]
    wide = wide[cols].astype(int)
    wide.insert(0, "total", wide.sum(axis=1))
    view = wide.reset_index()
    headers_ = {group: t("group", language), "total": t("total", language),
                **{s: status_label(s, language) for s in cols}}
    table(view, headers_, numbers=["total", *cols], wide=[group])


def headers(language: str, *keys: str) -> list[str]:
    return [t(k, language) for k in keys]


def actor() -> str | None:
    """Name recorded with every write (the signed-in user, once the login hook sets one)."""
    u = user()
    if u is None:
        return None
    return u.get("username") if isinstance(u, dict) else getattr(u, "username", str(u))


@st.cache_data(show_spinner=False, max_entries=32)
def _template(db: str, localities: tuple[str, ...], year: int) -> bytes:
    from loaders.actuals.excel_template import template_bytes
    return template_bytes(_connection(db), list(localities), int(year))


def template(localities: Sequence[str], year: int) -> bytes:
    """The actuals template (.xlsx) for localities ('scheme:code') and a year; cached until a write."""
    con()
    return _template(db_path(), tuple(localities), int(year))


def related_units(key: str, year: int | None, language: str) -> None:
    """Children, predecessors and successors of a locality, each a link that opens it here
    (the link carries the year of its newest plan, so predecessors open on their own year)."""
    from urllib.parse import urlencode
    scheme, code = key.split(":", 1)
    rel = read("related_units", scheme, code, year)
    if rel.empty:
        return
    st.subheader(t("related_title", language))
    for relation in ("child", "predecessor", "successor"):
        part = rel[rel["relation"] == relation]
        if part.empty:
            continue
        st.markdown(f"**{t('related_' + relation, language, year=year)}**")
        lines = []
        for r in part.itertuples():
            years = [int(y) for y in r.years] if isinstance(r.years, (list, tuple)) or hasattr(r.years, "tolist") \
                else []
            label = f"{r.name}" + (f" — {t('related_years', language)} {', '.join(map(str, years))}" if years
                                   else f" — {t('related_no_plan', language)}")
            if years:
                query = urlencode({"year": years[0] if relation != "child" else year, "loc": r.key,
                                   "prov": r.province or "", "lang": language})
                lines.append(f"- [{_md_escape(label)}](?{query})")
            else:
                lines.append(f"- {_md_escape(label)}")
        st.markdown("\n".join(lines))


def _md_escape(text: str) -> str:
    """Names come from data: keep Markdown from reading them as markup (no raw HTML is ever enabled)."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>" else c for c in str(text))

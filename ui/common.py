"""Streamlit helpers shared by dashboard.py and the pages.

- One DuckDB connection per process (st.cache_resource around chitieu.store.open_db); every
  read goes through chitieu.store.reads, which takes a cursor per query.
- Reads are cached with st.cache_data keyed by database path, data version and arguments;
  `after_write()` moves the version on (chitieu.store.version), so a stored plan or upload
  shows at once in every session and process, and sessions share what another computed.
- Filters live in st.session_state *and* in st.query_params, so the address bar is a link to
  exactly what is on screen. A page switch clears the query string; a saved copy in the
  session restores page filters when the page is opened again.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd
import streamlit as st

from chitieu import settings
from chitieu.periods import ALL_PERIODS, STANDINGS
from chitieu.store import DatabaseBusy, open_db, reads
from chitieu.store.version import bump_data_version, data_version
from ui.i18n import t

# ---------------------------------------------------------------- connection and cached reads


_DEFAULT_DB = Path(next(s.default for s in settings.SETTINGS if s.name == "CHITIEU_DB"))


def db_path() -> str:
    return str(settings.db_path())


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    fresh = not Path(path).exists()
    con = open_db(path)
    if fresh and Path(path).resolve() == _DEFAULT_DB.resolve():
        _build_sample(path)
    return con


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


@st.cache_data(show_spinner=False, max_entries=256)
def cached(fn_name: str, db: str, version: int, *args, **kwargs):
    """Cached call of chitieu.store.reads.<fn_name>(connection, *args) for database `db` at data
    `version` (shared by every session; a write anywhere moves the version on)."""
    return getattr(reads, fn_name)(_connection(db), *args, **kwargs)


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
    return version


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(builder: str, rows, title: str, language: str):
    # Plotly validates every property it is given (~100 ms for a chart of 40 bars here), so
    # figures are kept as objects (cache_resource: no copy); st.plotly_chart does not change them.
    from ui import charts
    return getattr(charts, builder)(rows, title, language)


def chart(builder: str, rows, title: str, language: str, key: str, where=None) -> None:
    """Render ui.charts.<builder>(rows, title, language), cached on the data it shows."""
    (where or st).plotly_chart(_figure(builder, rows, title, language), key=key)


def after_write() -> None:
    """Call after every write (plan stored, upload confirmed or undone)."""
    try:
        bump_data_version(con())  # caches of every process key on it
    except Exception:  # noqa: BLE001 — a read-only store wrote nothing; clearing below still helps
        pass
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    if (ctx := get_script_run_ctx()) is not None:
        ctx._chitieu_version = None  # the rest of this run reads the new version
    st.cache_data.clear()
    _figure.clear()


# ---------------------------------------------------------------- query-string filters


def _from_query(key: str, options: Sequence, multi: bool):
    if key not in st.query_params:
        return None
    by_text = {str(o): o for o in options}
    if multi:
        vals = [by_text[v] for v in st.query_params.get_all(key) if v in by_text]
        return vals
    return by_text.get(st.query_params.get(key))


def _init(key: str, options: Sequence, default: Any, multi: bool) -> None:
    """Give the widget its starting value: live state, else the URL, else the saved copy, else default."""
    current = st.session_state.get(key)
    valid = (lambda v: v is not None and (all(x in options for x in v) if multi else v in options))
    if key in st.session_state and valid(current):
        return
    for candidate in (_from_query(key, options, multi), st.session_state.get("_keep_" + key), default):
        if candidate is not None and valid(candidate):
            st.session_state[key] = list(candidate) if multi else candidate
            return
    st.session_state[key] = [] if multi else (options[0] if options else None)


def _remember(key: str, value: Any, multi: bool) -> None:
    st.session_state["_keep_" + key] = value
    if multi:
        st.query_params[key] = [str(v) for v in value]
    elif value is not None:
        st.query_params[key] = str(value)


def select(key: str, label: str, options: Sequence, default: Any = None, *, format_func: Callable = str,
           where=None, **kw):
    """st.selectbox whose value is kept in the URL (?key=value)."""
    options = list(options)
    _init(key, options, default, multi=False)
    value = (where or st).selectbox(label, options, key=key, format_func=format_func, **kw)
    _remember(key, value, multi=False)
    return value


def multiselect(key: str, label: str, options: Sequence, default: Sequence | None = None, *,
                format_func: Callable = str, where=None, **kw):
    """st.multiselect whose values are kept in the URL (?key=a&key=b)."""
    options = list(options)
    _init(key, options, list(default or []), multi=True)
    value = (where or st).multiselect(label, options, key=key, format_func=format_func, **kw)
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
def app_icon():
    """The tab icon, drawn here (a red flag with a yellow star): a `:material/…:` or emoji icon
    makes the browser fetch it from a public CDN, and nothing may be fetched from outside."""
    from PIL import Image, ImageDraw
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rectangle([4, 12, 60, 52], fill=(218, 37, 29, 255))
    cx, cy, r = 32, 32, 13
    import math
    pts = [(cx + (r if k % 2 == 0 else r * 0.4) * math.sin(k * math.pi / 5),
            cy - (r if k % 2 == 0 else r * 0.4) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(pts, fill=(255, 205, 0, 255))
    return img


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
    side.caption(t("share_hint", language))
    return {"year": year, "period": period, "lang": language, "province": province}


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
    head = f"{status_label(r['status'], language)}{share} — {indicator_name(r, language)}"
    return f"{head} — {r['locality_name']}" if with_locality else head


def why(r: dict, language: str) -> None:
    """The answer to "why this status": plan sentence, actual with period and standing, rule and numbers."""
    from ui.format import target_text, with_unit
    tt = target_text(r["comparator"], r.get("value"), r.get("value_high"), r.get("unit", ""), language)
    st.markdown(f"**{t('plan_sentence', language)}:** “{r.get('text') or '–'}”")
    if r.get("actual_period"):
        standing = r.get("actual_standing") or "–"
        if standing in {s.code for s in STANDINGS}:
            standing = next(s.label(language) for s in STANDINGS if s.code == standing).lower()
        st.markdown(f"**{t('target', language)}:** {tt} · **{t('actual', language)}:** "
                    f"{with_unit(r.get('actual'), r.get('unit'))} ({period_label(r['actual_period'], language)}, "
                    f"{t('standing', language).lower()}: {standing})")
    else:
        st.markdown(f"**{t('target', language)}:** {tt}")
    st.markdown(f"**{t('rule', language)}** `{r.get('rule')}`: "
                f"{reads.explanation(r, language)}")
    if r.get("illustrative"):
        st.caption(t("illustrative", language))
    if r.get("actual_source"):
        st.caption(f"{t('source', language)}: {r['actual_source']}")
    if (r.get("n_values") or 0) > 1:
        st.warning(t("conflict", language, n=int(r["n_values"])), icon=":material/warning:")


def status_list(rows, language: str, with_locality: bool = False, limit: int = 50) -> None:
    """Each target as an expander titled by its status (icon + words); opening it shows why."""
    for r in rows.head(limit).to_dict("records"):
        with st.expander(status_title(r, language, with_locality)):
            why(r, language)


TABLE_ROWS = 1000


def table(df, columns: dict[str, str], numbers: Sequence[str] = (), percents: Sequence[str] = (), **kw):
    """A sortable table: `columns` maps source column -> header (already translated); numbers in
    Vietnamese notation, still sorted as numbers."""
    from ui.format import vn_table
    if len(df) > TABLE_ROWS:  # national scale: a table is for reading, filters narrow it down
        st.caption(t("table_cut", lang(), n=TABLE_ROWS, total=len(df)))
        df = df.head(TABLE_ROWS)
    view = df[list(columns)].rename(columns=columns)
    for c in view.columns:  # text cells never read "None"; numeric ones keep their type for sorting
        if view[c].dtype == object or pd.api.types.is_string_dtype(view[c]):
            view[c] = view[c].astype(object).where(view[c].notna(), "–")
    return st.dataframe(vn_table(view, [columns[c] for c in numbers], [columns[c] for c in percents]),
                        hide_index=True, **kw)


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

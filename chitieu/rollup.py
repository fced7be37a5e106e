"""National and provincial roll-ups of verdicts. Pure pandas, no Streamlit.

Input: the counts of chitieu.store.reads.rollup_counts — one row per locality x area x status
with n targets (a few thousand rows for the whole country). Output: small tables a reader can
take in — totals in four groups, counts by a grouping column (province, locality, area), a
ranking of units, and a name search that finds "Phú Lâm" when "phu lam" is typed.

The four groups are the overview's: met (met, exceeded), on track, behind (not met, at risk),
no data (no data, not assessable yet, assigned figure missing). Shares are of all targets.
"""
from __future__ import annotations

import pandas as pd

from chitieu.status import STATUSES
from chitieu.textnorm import fold

GROUPS: dict[str, tuple[str, ...]] = {
    "met": ("met", "exceeded"),
    "on_track": ("on_track",),
    "behind": ("not_met", "at_risk"),
    "no_data": ("no_data", "not_assessable", "needs_assigned"),
}
_GROUP_OF = {s: g for g, members in GROUPS.items() for s in members}


def totals(counts: pd.DataFrame) -> dict[str, int]:
    """Targets in each group, and 'total'."""
    by = counts.groupby("status")["n"].sum() if not counts.empty else pd.Series(dtype="int64")
    out = {g: int(sum(by.get(s, 0) for s in members)) for g, members in GROUPS.items()}
    out["total"] = int(by.sum())
    return out


def by_status(counts: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """[group_col, status, n]: what ui.charts.status_counts_chart draws (one bar per group)."""
    if counts.empty:
        return pd.DataFrame(columns=[group_col, "status", "n"])
    return counts.groupby([group_col, "status"], observed=True)["n"].sum().reset_index()


def table(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per unit of `by` (e.g. ["province"], or ["key", "locality_name", "province"]):
    targets, the four groups and their shares (0..100)."""
    cols = [*by, "targets", *GROUPS, *(f"share_{g}" for g in GROUPS)]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    wide = counts.pivot_table(index=by, columns="status", values="n", aggfunc="sum", fill_value=0, observed=True)
    wide = wide.reindex(columns=list(STATUSES), fill_value=0)
    out = wide.index.to_frame(index=False)
    out["targets"] = wide.sum(axis=1).to_numpy()
    for g, members in GROUPS.items():
        out[g] = wide[list(members)].sum(axis=1).to_numpy()
        out[f"share_{g}"] = (out[g] / out["targets"].where(out["targets"] > 0) * 100).round(1)
    return out[cols]


def ranking(units: pd.DataFrame, worst_first: bool = False) -> pd.DataFrame:
    """Units ranked by share of targets met (then fewer behind, more targets, name): column 'rank'
    (1 = best). worst_first flips the order of the rows, not the ranks."""
    if units.empty:
        return units.assign(rank=pd.Series(dtype="int64"))
    name = next((c for c in ("locality_name", "province", "category") if c in units.columns), units.columns[0])
    ranked = units.sort_values(["share_met", "share_behind", "targets", name],
                               ascending=[False, True, False, True], na_position="last", kind="stable")
    ranked = ranked.assign(rank=range(1, len(ranked) + 1))
    return ranked.iloc[::-1] if worst_first else ranked


def top_bottom(ranked: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n best and the n worst of a ranking (worst first); overlapping when fewer than 2n."""
    return ranked.head(n), ranked.tail(n).iloc[::-1]


def search(units: pd.DataFrame, query: str, column: str = "locality_name", limit: int | None = None
           ) -> pd.DataFrame:
    """Rows whose `column` contains every word of `query`, compared without diacritics or case
    ("phu lam", "Phú Lâm" and "PHU LAM" find "Phường Phú Lâm"); names are returned as stored.
    Whole-word matches come first. An empty query returns every row."""
    words = fold(query or "").split()
    if not words or units.empty:
        return units if limit is None else units.head(limit)
    folded = units[column].astype(str).map(fold)
    hit = pd.Series(True, index=units.index)
    for w in words:
        hit &= folded.str.contains(w, regex=False)
    found = units[hit]
    exact = folded[hit].map(lambda f: all(w in f.split() for w in words))
    found = found.assign(_exact=exact).sort_values("_exact", ascending=False, kind="stable").drop(columns="_exact")
    return found if limit is None else found.head(limit)


__all__ = ["GROUPS", "by_status", "ranking", "search", "table", "top_bottom", "totals"]

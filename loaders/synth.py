"""Synthetic national dataset: every gso_2025 province and commune, plans, targets, actuals.

For scale testing only. Everything it makes is marked: localities.synthetic,
plans.synthetic, actuals.illustrative, plan titles end in "(DỮ LIỆU GIẢ LẬP)", and the
one upload row that carries the actuals is a sample. Figures are random (seeded, so a
build is reproducible) and mean nothing.

Shape (defaults): 34 provinces with every catalogue indicator and 3,321 communes with
`per_commune` of them each, one plan per locality and year for 5 years, actuals for the
cumulative periods Q1, H1, 9M and FY of every year. The years are the 2026-2030 plan
period, the first the post-reform units plan for; actuals for future years are as
invented as the rest.

`generate(...)` is pure (pandas frames out); chitieu.store.synth writes them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chitieu.catalogue import Indicator, default_catalogue
from chitieu.units import POST, all_units, split_type

PERIODS = (("Q1", 3), ("H1", 6), ("9M", 9), ("FY", 12))
SYNTH_TAG = "DỮ LIỆU GIẢ LẬP"
SCALES = ("national", "province")


@dataclass
class SynthData:
    localities: pd.DataFrame
    plans: pd.DataFrame
    targets: pd.DataFrame
    actuals: pd.DataFrame

    def counts(self) -> dict[str, int]:
        return {"localities": len(self.localities), "plans": len(self.plans),
                "targets": len(self.targets), "actuals": len(self.actuals)}


def _units(scale: str, province_code: str):
    provinces = all_units(POST, "province")
    communes = all_units(POST, "commune")
    if scale == "province":
        provinces = [p for p in provinces if p.code == province_code]
        communes = [c for c in communes if c.province_code == province_code]
    return sorted(provinces, key=lambda u: u.code), sorted(communes, key=lambda u: u.code)


def _base_values(rng: np.random.Generator, inds: list[Indicator], is_province: np.ndarray,
                 ind_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Target (value, value_high, comparator) per (locality, indicator) row."""
    n = len(ind_idx)
    unit = np.array([i.unit for i in inds], dtype=object)[ind_idx]
    direction = np.array([i.direction for i in inds], dtype=object)[ind_idx]
    pct = np.isin(unit, ["%", "‰"])
    value = np.where(is_province, 1000.0, 20.0) * rng.lognormal(0.0, 1.0, n)
    value = np.where(pct & (direction == "higher_is_better"), rng.uniform(40, 95, n), value)
    value = np.where(pct & (direction == "lower_is_better"), rng.uniform(1, 15, n), value)
    value = np.where(pct & (direction == "target_band"), rng.uniform(10, 40, n), value)
    value = np.round(value, 1)
    high = np.where(direction == "target_band", np.round(value + rng.uniform(2, 8, n), 1), np.nan)
    comparator = np.select([direction == "lower_is_better", direction == "target_band"], ["le", "between"], "ge")
    return value, high, comparator


def generate(scale: str = "national", years: range = range(2026, 2031), per_commune: int = 30,
             seed: int = 2025, province_code: str = "51") -> SynthData:
    """Build the synthetic frames. scale 'province' keeps one province (tests)."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    rng = np.random.default_rng(seed)
    cat = default_catalogue()
    inds = list(cat.values())
    provinces, communes = _units(scale, province_code)
    locs = provinces + communes
    n_ind = len(inds)
    k = min(per_commune, n_ind)

    localities = pd.DataFrame({
        "scheme": [u.scheme for u in locs], "code": [u.code for u in locs], "name": [u.name for u in locs],
        "level": [u.level for u in locs], "province": [split_type(u.province_name)[1] for u in locs],
        "parent_scheme": [u.scheme if u.parent_code else None for u in locs],
        "parent_code": [u.parent_code or None for u in locs], "synthetic": True})

    # Which indicators each locality plans for: all for a province, k random for a commune.
    loc_rows, ind_rows = [], []
    for li, u in enumerate(locs):
        chosen = np.arange(n_ind) if u.level == "province" else np.sort(rng.choice(n_ind, k, replace=False))
        loc_rows.append(np.full(len(chosen), li))
        ind_rows.append(chosen)
    loc_idx, ind_idx = np.concatenate(loc_rows), np.concatenate(ind_rows)
    is_province = np.array([locs[i].level == "province" for i in loc_idx])
    base, base_high, comparator = _base_values(rng, inds, is_province, ind_idx)
    seq = np.concatenate([np.arange(len(r)) for r in ind_rows])
    kind = np.array([i.kind for i in inds], dtype=object)[ind_idx]
    units_ = np.array([i.unit for i in inds], dtype=object)[ind_idx]
    codes = np.array([i.code for i in inds], dtype=object)[ind_idx]
    loc_code = np.array([u.code for u in locs], dtype=object)[loc_idx]

    plans, targets, actuals = [], [], []
    for y_i, year in enumerate(years):
        growth = np.where(comparator == "ge", 1.04 ** y_i, 1.0)
        value = np.round(base * growth, 1)
        high = np.where(np.isnan(base_high), np.nan, np.round(base_high * growth, 1))
        plan_key = np.array([f"synth-{u.scheme}-{u.code}-{year}" for u in locs], dtype=object)
        plans.append(pd.DataFrame({
            "plan_key": plan_key, "source_file": "synthetic:national", "sha256": "synthetic",
            "locality_scheme": [u.scheme for u in locs], "locality_code": [u.code for u in locs],
            "locality_name": [u.name for u in locs], "level": [u.level for u in locs],
            "province": localities["province"].to_numpy(), "year": year,
            "title": [f"Kế hoạch phát triển kinh tế - xã hội năm {year} của {u.name} ({SYNTH_TAG})" for u in locs],
            "notes": f"synthetic national dataset, seed {seed}", "loaded_by": "synth", "synthetic": True}))
        targets.append(pd.DataFrame({
            "plan_key": plan_key[loc_idx], "seq": seq, "indicator": codes, "indicator_label": "",
            "scope": "", "comparator": comparator, "value": value, "value_high": high, "unit": units_,
            "text": SYNTH_TAG, "note": "synthetic"}))
        # Full-year outcome around the target; cumulative periods scale flows by months/12.
        mid = np.where(np.isnan(high), value, (value + np.nan_to_num(high)) / 2)
        outcome = mid * np.clip(rng.normal(1.0, 0.12, len(mid)), 0.2, None)
        for period, months in PERIODS:
            noise = rng.normal(1.0, 0.04, len(mid))
            v = np.where(kind == "flow", outcome * months / 12, outcome) * noise
            actuals.append(pd.DataFrame({
                "locality_scheme": POST, "locality_code": loc_code, "indicator": codes, "scope": "",
                "year": year, "period": period, "value": np.round(np.clip(v, 0, None), 2), "unit": units_,
                "standing": "official" if months == 12 else "preliminary", "source": "synthetic",
                "illustrative": True, "created_by": "synth", "active": True}))
    return SynthData(localities, pd.concat(plans, ignore_index=True), pd.concat(targets, ignore_index=True),
                     pd.concat(actuals, ignore_index=True))

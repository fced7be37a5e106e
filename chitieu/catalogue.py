"""The indicator catalogue (data/indicators.csv): codes, names, units, direction, kind, aliases."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chitieu.settings import DATA_DIR
from chitieu.textnorm import nfc

CATALOGUE_PATH = DATA_DIR / "indicators.csv"
COLUMNS = ["code", "name_vi", "name_en", "unit", "direction", "category", "kind", "measured",
           "tolerance", "aliases"]
DIRECTIONS = {"higher_is_better", "lower_is_better", "target_band"}
CATEGORIES = {
    "economy": ("Kinh tế", "Economy"),
    "social": ("Văn hóa - xã hội", "Society"),
    "environment": ("Môi trường", "Environment"),
    "defence_security": ("Quốc phòng - an ninh", "Defence and security"),
    "party_government": ("Xây dựng Đảng - chính quyền", "Party and government"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    unit: str
    direction: str            # higher_is_better / lower_is_better / target_band
    category: str
    kind: str = "level"       # flow (accumulates through the year) or level
    measured: str = "periodic"  # periodic, or annual (no verdict before the full year)
    tolerance: str = ""       # target_band: "1" = ±1 in the unit, "5%" = ±5 % of the target
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_vi, *self.aliases)


def load_catalogue(path: str | Path = CATALOGUE_PATH) -> dict[str, Indicator]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, Indicator] = {}
    for r in rows:
        r = {k: nfc(v or "").strip() for k, v in r.items()}
        out[r["code"]] = Indicator(
            code=r["code"], name_vi=r["name_vi"], name_en=r.get("name_en", ""), unit=r.get("unit", ""),
            direction=r.get("direction") or "higher_is_better", category=r.get("category", ""),
            kind=r.get("kind") or "level", measured=r.get("measured") or "periodic",
            tolerance=r.get("tolerance", ""),
            aliases=tuple(a.strip() for a in r.get("aliases", "").split("|") if a.strip()))
    return out


@lru_cache(maxsize=4)
def default_catalogue() -> dict[str, Indicator]:
    return load_catalogue(CATALOGUE_PATH)

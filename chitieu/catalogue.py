"""The indicator catalogue (data/indicators.csv): codes, names, units, direction, kind, aliases.

Beside it, two small tables the matcher (chitieu.matching) reads: data/synonyms.csv (words
that mean the same in plans: "dùng" / "sử dụng", "bắp" / "ngô", "tỉ" / "tỷ") and
data/abbreviations.csv (NTM, BHYT, ANTT, KT-XH, HTX, GRDP…).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chitieu.settings import DATA_DIR
from chitieu.textnorm import nfc

CATALOGUE_PATH = DATA_DIR / "indicators.csv"
COLUMNS = ["code", "name_vi", "name_en", "unit", "direction", "category", "kind", "measured",
           "tolerance", "aliases", "synonyms", "official", "family"]
SYNONYMS_PATH = DATA_DIR / "synonyms.csv"
ABBREVIATIONS_PATH = DATA_DIR / "abbreviations.csv"
KINDS = {"flow", "level"}
MEASURED = {"periodic", "annual"}
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
    aliases: tuple[str, ...] = field(default_factory=tuple)   # how plans word it
    synonyms: tuple[str, ...] = field(default_factory=tuple)  # other names (official, short, header)
    official: str = ""        # membership of an official indicator system ("QĐ 05/2023 (tỉnh, huyện)")
    family: str = ""          # codes of one sector share it: its share, output value, growth

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_vi, *self.aliases, *self.synonyms)


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
            aliases=_split(r.get("aliases", "")), synonyms=_split(r.get("synonyms", "")),
            official=r.get("official", ""), family=r.get("family", ""))
    return out


def _split(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split("|") if a.strip())


def load_rewrites(synonyms: str | Path = SYNONYMS_PATH,
                  abbreviations: str | Path = ABBREVIATIONS_PATH) -> list[tuple[str, str]]:
    """(variant, canonical) pairs from the synonym and abbreviation tables (missing file: none)."""
    out: list[tuple[str, str]] = []
    for path, a, b in ((synonyms, "variant", "canonical"), (abbreviations, "abbreviation", "expansion")):
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                out += [(nfc(r[a]).strip(), nfc(r[b]).strip()) for r in csv.DictReader(fh)
                        if (r.get(a) or "").strip() and (r.get(b) or "").strip()]
        except FileNotFoundError:
            continue
    return out


@lru_cache(maxsize=4)
def default_catalogue() -> dict[str, Indicator]:
    return load_catalogue(CATALOGUE_PATH)

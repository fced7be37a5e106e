"""Build or refresh a database from data/: catalogue, unit registry, bundled plans, sample actuals.

Idempotent: a plan whose file (sha256) and extractor version are unchanged is left alone;
a changed plan replaces its own targets and nothing else (the old ones stay in the plan
history); nothing is ever deleted. A plan is identified by locality and year: when the
dashboard holds a different plan for the locality and year of a bundled file (someone
uploaded and confirmed their own), build keeps that one and says so (`plans_kept`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from chitieu.catalogue import CATALOGUE_PATH, load_catalogue
from chitieu.errors import UserError
from chitieu.settings import DATA_DIR
from chitieu.store import checkpoint, open_db
from chitieu.store.plans import PlanExists, save_plan, stored_plan_fingerprint, sync_catalogue
from loaders.plans.extract import EXTRACTOR_VERSION, extract_document

PLAN_SUFFIXES = {".txt", ".docx", ".pdf"}


@dataclass
class BuildReport:
    db: str
    catalogue_changed: int = 0
    units: dict = field(default_factory=dict)
    plans_loaded: list[str] = field(default_factory=list)
    plans_unchanged: list[str] = field(default_factory=list)
    plans_failed: list[tuple[str, str]] = field(default_factory=list)
    plans_kept: list[tuple[str, str]] = field(default_factory=list)  # (file, why the stored plan was kept)
    actuals: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"Cơ sở dữ liệu / database: {self.db}",
               f"Danh mục chỉ tiêu thay đổi / catalogue rows changed: {self.catalogue_changed}",
               f"Kế hoạch nạp mới / plans loaded: {len(self.plans_loaded)} {', '.join(self.plans_loaded)}".rstrip(),
               f"Kế hoạch không đổi / plans unchanged: {len(self.plans_unchanged)}"]
        out += [f"Lỗi / failed: {name}: {msg}" for name, msg in self.plans_failed]
        out += [f"Giữ kế hoạch đã lưu / kept the stored plan: {name}: {msg}" for name, msg in self.plans_kept]
        if self.units:
            out.append(f"Đơn vị hành chính / administrative units: {self.units}")
        for name, info in self.actuals.items():
            out.append(f"Số liệu mẫu / sample actuals {name}: {info.get('stored', 0)} stored"
                       + (f", {info['skipped']}" if info.get("skipped") else ""))
        return out


def plan_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(p for p in (data_dir / "plans").iterdir() if p.suffix.lower() in PLAN_SUFFIXES)


def build_database(db_path: str | Path, data_dir: Path = DATA_DIR, actor: str | None = "build") -> BuildReport:
    con = open_db(db_path)
    report = BuildReport(str(db_path))
    catalogue = load_catalogue(data_dir / CATALOGUE_PATH.name)
    report.catalogue_changed = sync_catalogue(con, catalogue)
    try:
        from chitieu.store.units import load_units
        report.units = load_units(con)
    except ImportError:
        pass
    for path in plan_files(data_dir):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        stored = stored_plan_fingerprint(con, path.stem)
        if stored and stored[0] == sha and stored[1].startswith(EXTRACTOR_VERSION):
            report.plans_unchanged.append(path.stem)
            continue
        try:
            plan = extract_document(data, path.name, catalogue)
        except UserError as exc:
            report.plans_failed.append((path.name, exc.vi))
            continue
        try:
            result = save_plan(con, plan, actor=actor, version=EXTRACTOR_VERSION)
        except PlanExists as exc:
            if exc.existing.plan_key != plan.plan_key:  # someone's own plan for that locality and year
                report.plans_kept.append((path.name, f"đã có {exc.existing.describe('vi')}"))
                continue
            result = save_plan(con, plan, actor=actor, version=EXTRACTOR_VERSION, replace=True)
        (report.plans_unchanged if result.status == "unchanged" else report.plans_loaded).append(path.stem)
    try:
        from loaders.actuals.sample import load_sample_actuals
        report.actuals = load_sample_actuals(con)
    except ImportError:
        pass
    checkpoint(con)
    return report


def ensure_database(db_path: str | Path) -> bool:
    """Build the database on first start; returns True if it was built now."""
    p = Path(db_path)
    if p.exists():
        return False
    build_database(p)
    return True

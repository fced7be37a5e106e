"""An uploaded plan document, read where it cannot hurt the server.

    plan = read_plan_upload(data, "ke_hoach_2025.docx")     # ExtractedPlan, or UserError

The dashboard's plan upload calls this instead of `extract.extract_document`: the cheap checks
on the bytes (size, type by content, ZIP parts and declared sizes: the 1.3 MB .docx holding
380 MB of XML stops here) run in the server process; reading and extraction run in a capped
child process (chitieu.isolation), after a streaming check of the Word XML's nesting.

A document that reaches nothing is refused with a message, never offered as thousands of rows:
- text longer than MAX_PLAN_CHARS (1,000,000 characters: the longest plan seen is 22 KB of text,
  so this is ~45 times that, a document of some 400 pages; 10 MB of random text stops here),
- more targets than MAX_TARGETS_PER_INDICATOR per catalogue indicator (the richest of the 25
  plans seen states 38 targets, about 0.4 per indicator; 3 per indicator allows every indicator
  split into three scopes),
- one indicator (and scope) given more than MAX_VALUES_PER_INDICATOR different targets: a plan
  states each once, at most twice (a yearly and a term target) in the 25 plans seen, while
  random text with figures gives the same indicator 7 to 20 values,
- a locality that is not in the unit registry *and* most targets matching no indicator of the
  catalogue (every target of the 25 plans seen matches one): text that merely has plan-like words.
"""
from __future__ import annotations

import io
import zipfile

from chitieu import isolation
from chitieu.catalogue import Indicator, default_catalogue
from chitieu.errors import UserError
from chitieu.filetypes import ZIP_MAGIC, check_upload, check_xml_depth, check_zip_directory, safe_name, sniff
from chitieu.model import ExtractedPlan

MAX_PLAN_CHARS = 1_000_000
MAX_TARGETS_PER_INDICATOR = 3
MAX_UNMAPPED_SHARE = 0.5
MAX_VALUES_PER_INDICATOR = 3


def read_plan_upload(data: bytes, filename: str, catalogue: dict[str, Indicator] | None = None) -> ExtractedPlan:
    """Extract an uploaded plan in a capped child process; UserError for anything refused."""
    if data.startswith(ZIP_MAGIC):
        check_zip_directory(data, safe_name(filename))   # before sniff lists the parts
    kind = sniff(data)
    if kind in ("docx", "pdf", "text"):
        check_upload(data, filename, (kind,))       # size, ZIP parts, declared sizes: cheap, no reader
    return isolation.run("loaders.plans.isolated:extract_bounded", data, filename, catalogue, shown=filename)


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def extract_bounded(data: bytes, filename: str, catalogue: dict[str, Indicator] | None = None) -> ExtractedPlan:
    """(Runs in the child.) Nesting check, text-length bound, extraction, then `check_reach`."""
    from loaders.plans.documents import read_document
    from loaders.plans.extract import extract_document
    shown = safe_name(filename)
    if sniff(data) == "docx":
        zf = zipfile.ZipFile(io.BytesIO(data))
        for part in zf.namelist():
            if part.endswith((".xml", ".rels")):
                check_xml_depth(zf, part, shown)
    text = read_document(data, filename)
    if len(text) > MAX_PLAN_CHARS:
        raise UserError("plan-too-long",
                        f"Tệp {shown} có {_fmt(len(text))} ký tự, dài hơn giới hạn {_fmt(MAX_PLAN_CHARS)} ký tự cho một "
                        "kế hoạch (khoảng 400 trang). Hãy tải lên riêng phần chỉ tiêu của kế hoạch.",
                        f"{shown} has {len(text):,} characters, over the {MAX_PLAN_CHARS:,}-character limit for one "
                        "plan (about 400 pages). Upload the part of the plan that states the targets.")
    plan = extract_document(data, filename, catalogue)
    check_reach(plan, catalogue or default_catalogue(), shown)
    return plan


def check_reach(plan: ExtractedPlan, catalogue: dict[str, Indicator], shown: str) -> None:
    """UserError when the extracted plan is implausible (see module doc)."""
    n = len(plan.targets)
    limit = MAX_TARGETS_PER_INDICATOR * max(len(catalogue), 1)
    if n > limit:
        raise UserError("too-many-targets",
                        f"Tệp {shown} cho ra {_fmt(n)} chỉ tiêu, quá nhiều để là một kế hoạch (tối đa {_fmt(limit)}: "
                        f"{MAX_TARGETS_PER_INDICATOR} cho mỗi chỉ tiêu trong danh mục; kế hoạch thật thường có "
                        "10–40). Không có gì được lưu; hãy kiểm tra đúng tệp kế hoạch chưa.",
                        f"{shown} yields {n:,} targets, too many for a plan (at most {limit:,}: "
                        f"{MAX_TARGETS_PER_INDICATOR} per catalogue indicator; real plans have 10-40). Nothing was "
                        "stored; check that this is the plan document.")
    values: dict[tuple[str, str], set] = {}
    for t in plan.targets:
        if t.indicator != "unmapped":
            values.setdefault((t.indicator, t.scope or ""), set()).add((t.comparator, t.value, t.value_high))
    if values:
        (code, scope), seen = max(values.items(), key=lambda kv: len(kv[1]))
        if len(seen) > MAX_VALUES_PER_INDICATOR:
            ind = catalogue.get(code)
            label = (ind.name_vi if ind else code) + (f" ({scope})" if scope else "")
            raise UserError("not-a-plan",
                            f"Tệp {shown} không đọc được như một kế hoạch: chỉ tiêu “{label}” có {len(seen)} mức khác "
                            f"nhau (kế hoạch thật nêu mỗi chỉ tiêu một lần, nhiều nhất hai). Không có gì được lưu; "
                            "hãy kiểm tra đúng tệp kế hoạch chưa.",
                            f"{shown} does not read as a plan: the indicator “{ind.name_en if ind else code}” is given "
                            f"{len(seen)} different targets (a plan states each once, at most twice). Nothing was "
                            "stored; check that this is the plan document.")
    unmapped = sum(1 for t in plan.targets if t.indicator == "unmapped")
    if plan.locality.scheme == "unresolved" and n and unmapped > MAX_UNMAPPED_SHARE * n:
        name = plan.locality.name or "(không rõ)"
        raise UserError("not-a-plan",
                        f"Tệp {shown} không đọc được như một kế hoạch: địa phương “{name}” không có trong danh mục "
                        f"đơn vị hành chính và {_fmt(unmapped)}/{_fmt(n)} chỉ tiêu không khớp chỉ tiêu nào trong danh "
                        "mục. Không có gì được lưu.",
                        f"{shown} does not read as a plan: the locality “{plan.locality.name or '(unknown)'}” is not "
                        f"in the unit registry and {unmapped:,} of {n:,} targets match no catalogue indicator. "
                        "Nothing was stored.")

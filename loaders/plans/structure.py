"""Document structure: paragraphs, headings, bullets, and the target sections of a plan.

Works on the OCR-folded view of the text (same length as the original), so OCR damage in
heading words ("CHI TIEU THI PUA") does not hide a section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_ROMAN = re.compile(r"^(?:[IVXLivxl1]{1,5})\s*[.)]\s+")
_ARABIC = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]\s*(?=\S)")
_LETTER = re.compile(r"^[a-zđ]\)\s+")
_ARTICLE = re.compile(r"^(?:dieu|phan|chuong|muc)\s+\d+[.:]?\s", re.I)
_BULLET = re.compile(r"^(?:[-–—•●◦▪+]\s*)+|^\*\s+|^\(\d{1,3}\)\s*")
_TARGET_WORDS = re.compile(r"\bchi\s*tieu\b|\bmuc\s*tieu\b")
_NOT_TARGET_HEADING = re.compile(r"\b(to chuc thuc hien|giai phap|khen thuong|muc dich|yeu cau)\b")


@dataclass
class Para:
    start: int
    end: int                 # exclusive; text[start:end] is the paragraph, wrapped lines included
    kind: str                # heading / bullet / text
    level: int               # heading level 1..4; bullets 10 + depth; text 20
    body_start: int          # after the numbering or bullet marker
    marked: bool = False     # a heading or intro that announces targets
    children: list["Para"] = field(default_factory=list)


def _classify(orig_line: str, folded_line: str) -> tuple[str, int, int]:
    """(kind, level, marker_length) for one paragraph's first line."""
    stripped = folded_line.lstrip()
    lead = len(folded_line) - len(stripped)
    orig = orig_line.lstrip()
    m = _ROMAN.match(orig)
    if m and (any(c in "IVXL" for c in m.group()) or orig[m.end():m.end() + 12].isupper()):
        return "heading", 1, lead + m.end()
    m = _ARTICLE.match(stripped)
    if m:
        return "heading", 1, lead + m.end()
    m = _ARABIC.match(stripped)
    if m and not stripped[m.end():m.end() + 1].isdigit():
        depth = m.group(1).count(".") + 2
        return "heading", min(depth, 4), lead + m.end()
    m = _LETTER.match(stripped)
    if m:
        return "heading", 4, lead + m.end()
    m = _BULLET.match(stripped)
    if m:
        marker = m.group()
        depth = 2 if "+" in marker else 1
        if marker.startswith("*") and len(stripped) < 90 and not re.search(r"\d", stripped):
            return "heading", 3, lead + m.end()
        return "bullet", 10 + depth, lead + m.end()
    return "text", 20, lead


def paragraphs(text: str, folded: str) -> list[Para]:
    """Split into paragraphs; a wrapped line (OCR output) continues its paragraph."""
    paras: list[Para] = []
    pos = 0
    cur: Para | None = None
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if not text[start:end].strip():
            cur = None
            continue
        kind, level, marker = _classify(text[start:end], folded[start:end])
        prev_open = cur is not None and not re.search(r"[.;:!?]\s*[*_)”\"]*\s*$", text[cur.start:cur.end])
        if cur is not None and kind == "text" and prev_open:
            cur.end = end
            continue
        cur = Para(start, end, kind, level, start + marker)
        paras.append(cur)
    return paras


def _is_marked(p: Para, folded: str) -> bool:
    head = folded[p.body_start:p.end]
    if not _TARGET_WORDS.search(head):
        return False
    if p.kind == "heading" and len(head) <= 110:
        # "9. Tuyển quân đạt 100% chỉ tiêu" is a numbered target, not a heading: headings carry no
        # figures (a year aside)
        return not _NOT_TARGET_HEADING.search(head) and not re.search(r"\d", re.sub(r"\b(?:19|20)\d\d\b", "", head))
    # An intro that announces a list: "Phấn đấu hoàn thành các chỉ tiêu về kinh tế:".
    return head.rstrip(" *_").endswith(":")


def build_tree(paras: list[Para], folded: str) -> list[Para]:
    """Nest paragraphs by level; returns the top-level nodes."""
    root = Para(0, 0, "root", 0, 0)
    stack = [root]
    for p in paras:
        p.marked = _is_marked(p, folded)
        while stack[-1] is not root and stack[-1].level >= p.level:
            stack.pop()
        stack[-1].children.append(p)
        stack.append(p)
    for p in paras:  # an intro ending in ":" announces a list only if a list follows
        if p.marked and p.kind != "heading" and not p.children:
            p.marked = False
    return root.children


def _has_marked(p: Para) -> bool:
    cached = p.__dict__.get("_has_marked")
    if cached is None:
        cached = p.__dict__["_has_marked"] = any(c.marked or _has_marked(c) for c in p.children)
    return cached


def _collect(p: Para, out: list[Para]) -> None:
    for c in p.children:
        out.append(c)
        _collect(c, out)


def target_items(text: str, folded: str) -> tuple[list[Para], bool]:
    """Paragraphs that state targets, and whether a target section was found.

    A marked node (a heading or intro naming "chỉ tiêu"/"mục tiêu") contributes its content;
    when it has marked sub-sections, only those (the rest is narrative such as "Nội dung
    thi đua"). Without any marked node the whole document is returned, unmarked.
    """
    paras = paragraphs(text, folded)
    top = build_tree(paras, folded)
    chosen: list[Para] = []

    def visit(nodes: list[Para]) -> None:
        for n in nodes:
            if n.marked:
                if _has_marked(n):
                    visit(n.children)
                else:
                    chosen.append(n)
                    _collect(n, chosen)
            elif _has_marked(n):
                visit(n.children)

    visit(top)
    if not chosen:
        return paras, False
    return chosen, True

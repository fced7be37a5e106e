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
_NOT_TARGET_HEADING = re.compile(r"\b(to chuc thuc hien|giai phap|khen thuong|muc dich|yeu cau|muc tieu tong quat|muc tieu chung)\b")


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
        depth = 2 if "+" in marker or marker.lstrip().startswith("(") else 1  # "(1)" items sit under an intro
        if marker.startswith("*") and len(stripped) < 90 and not re.search(r"\d", stripped):
            return "heading", 3, lead + m.end()
        return "bullet", 10 + depth, lead + m.end()
    return "text", 20, lead


_HEADING_START = re.compile(r"^\W*(?:cac |mot so |nhung )?(?:chi tieu|muc tieu)\b")
_INLINE_ITEM = re.compile(r"(?:(?<=^)|(?<=[\s.;:]))(\d{1,2})\.\s+(?=[A-ZĐÀ-Ỹ])")


def _bare_heading(orig: str, folded: str) -> bool:
    """A heading with no number and no colon: "CHỈ TIÊU KINH TẾ - XÃ HỘI NĂM 2024",
    "Các chỉ tiêu chủ yếu đến năm 2025"."""
    body = orig.strip(" *_\t")
    if not body or len(body) > 110 or body[-1] in ".;,!?" or not _TARGET_WORDS.search(folded):
        return False
    if re.search(r"\d", re.sub(r"\b(?:19|20)\d\d\b", "", body)):
        return False
    letters = [c for c in body if c.isalpha()]
    return (bool(letters) and all(c.isupper() for c in letters)) or bool(_HEADING_START.match(folded))


def _inline_numbered(text: str, folded: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """A whole numbered list run into one line ("… năm 2018 1. Tăng trưởng …; 2. GRDP …"):
    (item start, body start, item end) for items numbered 1, 2, 3… in order; [] if none."""
    items, want = [], 1
    for m in _INLINE_ITEM.finditer(text, start, end):
        if int(m.group(1)) == want:
            items.append((m.start(), m.end()))
            want += 1
    if len(items) < 2:
        return []
    out = []
    for i, (a, b) in enumerate(items):
        e = items[i + 1][0] if i + 1 < len(items) else end
        while e > b and text[e - 1].isspace():
            e -= 1
        out.append((a, b, e))
    return out


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
        if kind == "text" and _bare_heading(text[start:end], folded[start:end]):
            kind, level = "heading", 1
        prev_open = cur is not None and not re.search(r"[.;:!?]\s*[*_)”\"]*\s*$", text[cur.start:cur.end])
        if cur is not None and kind == "text" and prev_open:
            cur.end = end
            continue
        inline = _inline_numbered(text, folded, start + marker, end) if end - start > 80 else []
        if inline:
            label_end = inline[0][0]
            if text[start + marker:label_end].strip():
                paras.append(Para(start, label_end, "heading", min(level, 2), start + marker))
            for a, b, e in inline:
                paras.append(Para(a, e, "heading", 3, b))
            cur = None
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
    """Nest paragraphs by level; returns the top-level nodes.

    An intro line in running text that ends in ":" and names targets ("11 chỉ tiêu kinh tế gồm:")
    holds what follows it (bullets, numbered sub-headings) up to the next heading of its parent's
    rank, the next intro, or the first plain paragraph after its list."""
    root = Para(0, 0, "root", 0, 0)
    stack = [root]
    open_intros = 0
    for p in paras:
        p.marked = _is_marked(p, folded)
        intro = next((n for n in reversed(stack) if n.__dict__.get("_base") is not None), None) \
            if open_intros else None
        if p.kind == "text" and p.marked:
            open_intros += 1
            while stack[-1] is not root and stack[-1].kind != "heading":
                stack.pop()
            p.__dict__["_base"] = stack[-1].level
            p.level = stack[-1].level + 0.5
            stack[-1].children.append(p)
            stack.append(p)
            continue
        if intro is not None and p.level > intro.__dict__["_base"] and not (p.kind == "text" and intro.children):
            p.level = intro.level + p.level / 100
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


# "… đề ra chỉ tiêu: A; B", "… các chỉ tiêu, như: A; B", "với 20 chỉ tiêu chủ yếu là: …",
# "một số chỉ tiêu chủ yếu A; B" (no colon): an inline label that opens a list in running text.
_INLINE_LABEL = re.compile(r"\b(?:chi tieu|muc tieu)\b[^.;:\n]{0,90}?:\s*"
                           r"|\b(?:chi tieu|muc tieu)\b[^.;:\n]{0,90}?\.\s+(?:trong do|cu the)\s*[,:]?\s*"
                           r"|\b(?:de ra|dat ra|xac dinh|thong qua|voi)\s+(?:\d+\s+|cac\s+|mot so\s+|nhieu\s+)?"
                           r"(?:nhom\s+)?(?:chi tieu|muc tieu)\b[^.;:\n]{0,80}?\b(?:trong do|gom|nhu|la|sau)\b\s*[:,]?\s*"
                           r"|\b(?:dat|de ra|xac dinh)\s+(?:cac\s+)?(?:muc tieu|chi tieu)\s+(?=[a-z])"
                           r"|\bchi tieu chu yeu\b(?:\s+(?:la|nhu|gom|sau))?\s*:?\s*")
_SPECIFICALLY = re.compile(r"\W*cu the\s*[,:]\s*")


def inline_sections(text: str, folded: str, paras: list[Para]) -> list[tuple[int, int]]:
    """Spans of running text that an inline label announces as targets: from the label to
    the end of its paragraph. A paragraph opening "Cụ thể," right after a paragraph that
    names targets is one too."""
    out = []
    prev_names_targets = False
    prev_section = False
    for p in paras:
        if p.kind == "heading":
            prev_names_targets = prev_section = False
            continue
        m = _INLINE_LABEL.search(folded, p.body_start, p.end)
        if m and m.end() < p.end and re.search(r"\d|[;,]", folded[m.end():p.end]):
            out.append((m.end(), p.end))
            prev_section = True
            prev_names_targets = True
            continue
        if prev_section and ";" in folded[p.body_start:p.end]:
            # the list goes on in the next paragraph ("Đảng bộ hoàn thành tốt nhiệm vụ, không có chi bộ
            # yếu kém; tỷ lệ chi bộ … trên 80%, …"): its opening sentences that state figures
            last = None
            for sent in re.finditer(r".+?(?:\.(?=\s|$)|$)", folded[p.body_start:p.end]):
                if not re.search(r"\d", re.sub(r"\b(?:19|20)\d\d\b", "", sent.group())):
                    break  # the list ends with the first sentence that states no figure
                last = p.body_start + sent.end()
            if last is not None:
                out.append((p.body_start, last))
            prev_section = False
            prev_names_targets = bool(_TARGET_WORDS.search(folded, p.body_start, p.end))
            continue
        prev_section = False
        sp = _SPECIFICALLY.match(folded, p.body_start, p.end)
        if sp and prev_names_targets:
            out.append((sp.end(), p.end))
        prev_names_targets = bool(_TARGET_WORDS.search(folded, p.body_start, p.end))
    return out


_PAST_OPENING = re.compile(r"\W*(?:trong\s+)?(?:(?:nam|nhiem ky|giai doan|thoi gian)\s+qua|ket qua"
                           r"|(?:trong\s+)?nam (\d{4})\s*,)")


def past_paragraph(folded: str, start: int, end: int, plan_year: int | None) -> bool:
    """A paragraph that reports results: it opens with "Trong nhiệm kỳ qua", "Kết quả", or
    "Năm Y," for a year before the plan's (a later year opens the plan's own paragraph)."""
    m = _PAST_OPENING.match(folded, start, end)
    if not m:
        return False
    if m.group(1):
        return bool(plan_year) and int(m.group(1)) < plan_year
    return True

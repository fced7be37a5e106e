"""The words of the report, in Vietnamese or English: headings, table cells and the drafted
paragraphs an analyst would otherwise write. Every figure comes from the `Report` (the store);
nothing here computes a verdict.

The administrative layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): A4; margins top and
bottom 20–25 mm, left 30–35 mm, right 15–20 mm; Times New Roman-like type, body 13–14 pt;
issuing body top left (upper case, bold), national name and motto top right, number and
symbol under the issuer, place and date in italics under the motto, the kind of document
("BÁO CÁO") and its summary centred in bold, recipients bottom left, the signer's title bottom
right with space left for the signature.
"""
from __future__ import annotations

import re
import unicodedata

from chitieu.numbers import format_vn
from chitieu.periods import parse_standing
from chitieu.report.data import BEHIND, COUNT_ORDER, Explanation, Line, Report
from chitieu.status import STATUS_INFO
from chitieu.units import split_type

# Page set-up (mm / pt), the middle of each range the decree allows.
PAGE = {"top": 20, "bottom": 20, "left": 30, "right": 15}
SIZE = {"body": 13, "header": 13, "motto": 13, "title": 14, "table": 10.5, "small": 11, "recipients": 11}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text) -> str:
    """NFC text without control characters (they are not allowed in the XML of docx/xlsx)."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", "" if text is None else str(text)))


def num(v, lang: str = "vi") -> str:
    """At most 2 decimals (1 from 100 up), Vietnamese separators in Vietnamese."""
    if v is None:
        return "–"
    f = float(v)
    d = 0 if f.is_integer() else (1 if abs(f) >= 100 else 2)
    f = round(f, d)
    if lang == "en":
        return f"{f:,.{d}f}".rstrip("0").rstrip(".") if d else f"{int(f):,}"
    return format_vn(f)


def pct(v, lang: str = "vi") -> str:
    if v is None:
        return "–"
    return (f"{v:,.1f}%" if lang == "en" else f"{format_vn(round(float(v), 1), 1)}%")


def _u(unit: str) -> str:
    return unit if unit in ("%", "‰") or not unit else " " + unit


def with_unit(v, unit: str, lang: str = "vi") -> str:
    return f"{num(v, lang)}{_u(unit)}"


_SYM = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}


def target_text(line: Line, lang: str = "vi", unit: bool = False) -> str:
    """'≥ 95', 'từ 98 đến 99,5', 'vượt mức giao', 'định tính' (with the unit when `unit`)."""
    u = _u(line.unit) if unit else ""
    if line.comparator == "qualitative":
        return "qualitative (met)" if lang == "en" else "Đạt (định tính)"
    if line.comparator == "exceed_assigned":
        base = "exceed the assigned figure" if lang == "en" else "vượt mức cấp trên giao"
        fig = line.assigned if line.assigned is not None else line.target
        return f"{base} ({num(fig, lang)}{u})" if fig is not None else base
    if line.comparator == "between":
        if lang == "en":
            return f"{num(line.target, lang)}–{num(line.target_high, lang)}{u}"
        return f"từ {num(line.target)} đến {num(line.target_high)}{u}"
    if line.target is None:
        return "–"
    return f"{_SYM.get(line.comparator, '')} {num(line.target, lang)}{u}".strip()


def standing_word(code: str | None, lang: str = "vi") -> str:
    s = parse_standing(code, default=None) if code else None
    if s is None:
        return ""
    return s.label_en if lang == "en" else s.label_vi.lower()


def period_words(code: str | None, lang: str = "vi") -> str:
    from chitieu.periods import parse_period
    if not code:
        return ""
    p = parse_period(code)
    return p.label_en if lang == "en" else p.label_vi.lower()


def actual_text(line: Line, lang: str, report: Report) -> str:
    """The figure with its standing, its period when not the report's, and * when illustrative."""
    if line.actual_period is None:
        return "no data" if lang == "en" else "chưa có số liệu"
    if line.comparator == "qualitative" or (line.actual is None and line.verdict):
        main = {"dat": "Met" if lang == "en" else "Đạt",
                "khong_dat": "Not met" if lang == "en" else "Không đạt"}.get(line.verdict or "", "–")
    else:
        main = num(line.actual, lang)
    extra = [w for w in (standing_word(line.standing, lang),
                         period_words(line.actual_period, lang) if line.actual_period != report.period.code else "")
             if w]
    text = f"{main} ({', '.join(extra)})" if extra else main
    return text + (" *" if line.illustrative else "")


def last_text(line: Line, lang: str) -> str:
    if line.last_value is None and not line.last_verdict:
        if line.last_unit_note:
            return line.last_unit_note
        return "no figure" if lang == "en" else "chưa có số liệu"
    main = num(line.last_value, lang) if line.last_value is not None else (
        {"dat": "Đạt", "khong_dat": "Không đạt"}.get(line.last_verdict or "", "–"))
    st = standing_word(line.last_standing, lang)
    return (f"{main} ({st})" if st else main) + (" *" if line.last_illustrative else "")


def plan_percent(line: Line) -> float | None:
    """'% so với kế hoạch' as reports print it: actual / annual target for a flow during the year,
    else the verdict's percent of target."""
    return line.percent_of_annual if line.percent_of_annual is not None else line.percent


def status_cell(line: Line, lang: str) -> str:
    return f"{line.icon} {line.label(lang)}"


def table_headings(report: Report, lang: str) -> list[str]:
    y = report.year
    if lang == "en":
        return ["No.", "Indicator", "Unit", f"Plan {y}", f"Actual, {year_words(report, 'en')}",
                f"Same period {y - 1}", "% of plan", "% of same period", "Assessment"]
    return ["STT", "Chỉ tiêu", "Đơn vị tính", f"Kế hoạch năm {y}", f"Thực hiện {year_words(report).lower()}",
            f"Cùng kỳ năm {y - 1}", "% so với kế hoạch", "% so với cùng kỳ", "Đánh giá"]


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def table_rows(report: Report, lang: str) -> list[tuple[str, list[str]]]:
    """('area', [label]) and ('line', [9 cells]) rows of the biểu, areas in the plan's order."""
    out: list[tuple[str, list[str]]] = []
    for i, area in enumerate(report.areas):
        out.append(("area", [ROMAN[i] if i < len(ROMAN) else str(i + 1), area.label(lang)]))
        for line in area.lines:
            out.append(("line", [str(line.stt), clean(line.name(lang)), clean(line.unit), target_text(line, lang),
                                 actual_text(line, lang, report), last_text(line, lang),
                                 pct(plan_percent(line), lang) if plan_percent(line) is not None else "–",
                                 pct(line.vs_last, lang) if line.vs_last is not None else "–",
                                 status_cell(line, lang)]))
    return out


# ---------------------------------------------------------------- header block


def issuer_lines(report: Report, lang: str = "vi") -> list[str]:
    """The issuing body, upper case: 'ỦY BAN NHÂN DÂN' / 'THÀNH PHỐ PHÚ QUỐC'."""
    if lang == "en":
        return ["PEOPLE'S COMMITTEE", f"OF {clean(report.name).upper()}"]
    return ["ỦY BAN NHÂN DÂN", clean(report.name).upper()]


def motto_lines(lang: str = "vi") -> list[str]:
    if lang == "en":
        return ["SOCIALIST REPUBLIC OF VIETNAM", "Independence - Freedom - Happiness"]
    return ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def number_line(lang: str = "vi") -> str:
    return "No.:      /BC-UBND" if lang == "en" else "Số:      /BC-UBND"


def place_date(report: Report, lang: str = "vi") -> str:
    _, bare = split_type(report.name)
    place = clean(bare or report.name)
    d = report.issued
    if lang == "en":
        return f"{place}, {d.strftime('%d %B %Y')}"
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def title_lines(report: Report, lang: str = "vi") -> list[str]:
    p = report.period
    if lang == "en":
        what = "targets of the units" if report.rollup and not report.lines else "socio-economic development targets"
        return ["REPORT", f"Progress on the {what}, {year_words(report, 'en')}"]
    what = ("chỉ tiêu kế hoạch của các đơn vị trực thuộc" if report.rollup and not report.lines
            else "các chỉ tiêu kế hoạch phát triển kinh tế - xã hội")
    return ["BÁO CÁO", f"Tình hình thực hiện {what} {year_words(report)}"]


def recipients(report: Report, lang: str = "vi") -> list[str]:
    above = clean(report.parent_name) if report.parent_name else None
    if lang == "en":
        return ["Recipients:", *([f"- People's Committee of {above};"] if above else []), "- Archive."]
    return ["Nơi nhận:", *([f"- UBND {above};"] if above else []), "- Lưu: VT."]


def signer(lang: str = "vi") -> list[str]:
    if lang == "en":
        return ["ON BEHALF OF THE PEOPLE'S COMMITTEE", "CHAIR"]
    return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


# ---------------------------------------------------------------- drafted paragraphs


def _mid(name: str) -> str:
    """'thành phố Quảng Ngãi': the type word in lower case inside a sentence."""
    kind, bare = split_type(name)
    return f"{kind.lower()} {bare}" if kind and bare else name


def year_words(report: Report, lang: str = "vi") -> str:
    """'6 tháng năm 2022', 'năm 2022' (full year), 'first 6 months of 2022', '2022'."""
    p = report.period
    if lang == "en":
        return str(report.year) if p.is_full_year else f"{p.label_en} of {report.year}"
    return f"năm {report.year}" if p.is_full_year else f"{p.label_vi} năm {report.year}"


def _count_phrase(counts: dict[str, int], lang: str, lead: str = "") -> str:
    total = sum(counts.values())
    good = counts["exceeded"] + counts["met"]
    parts = []
    if lang == "en":
        parts.append(f"{num(good, lang)} met or exceeded ({num(counts['exceeded'], lang)} exceeded, "
                     f"{num(counts['met'], lang)} met)")
        names = {"on_track": "on track", "at_risk": "at risk", "not_met": "not met", "no_data": "without data",
                 "needs_assigned": "awaiting the assigned figure", "not_assessable": "not assessable yet"}
        for s in ("on_track", "at_risk", "not_met", "needs_assigned", "not_assessable", "no_data"):
            if counts[s] or s in ("on_track", "at_risk", "not_met", "no_data"):
                parts.append(f"{num(counts[s], lang)} {names[s]}")
        return f"{lead or 'Of'} {num(total, lang)} targets: " + "; ".join(parts) + "."
    parts.append(f"{num(good)} chỉ tiêu đạt và vượt ({num(counts['exceeded'])} vượt, {num(counts['met'])} đạt)")
    for s in ("on_track", "at_risk", "not_met", "needs_assigned", "not_assessable", "no_data"):
        if counts[s] or s in ("on_track", "at_risk", "not_met", "no_data"):
            parts.append(f"{num(counts[s])} chỉ tiêu {STATUS_INFO[s]['vi'].lower()}")
    return f"{lead or 'Trong tổng số'} {num(total)} chỉ tiêu: " + "; ".join(parts) + "."


def _figure(line: Line, lang: str) -> str:
    fig = with_unit(line.actual, line.unit, lang)
    notes = [w for w in (standing_word(line.standing, lang),) if w]
    if line.illustrative:
        notes.append("illustrative figure" if lang == "en" else "số minh họa")
    return f"{fig} ({', '.join(notes)})" if notes else fig


def line_sentence(line: Line, report: Report, lang: str = "vi") -> str:
    """'Tỷ lệ bao phủ bảo hiểm y tế đạt 93,1%, bằng 98,0% kế hoạch, chưa đạt chỉ tiêu 95%.'"""
    name = clean(line.name(lang))
    tgt = target_text(line, lang, unit=True)
    if lang == "en":
        outcome = {"not_met": "the target is not met", "at_risk": "the target is at risk",
                   "exceeded": "the target is exceeded", "met": "the target is met",
                   "on_track": "on track"}.get(line.status, line.label("en").lower())
    else:
        outcome = {"not_met": "chưa đạt chỉ tiêu", "at_risk": "có nguy cơ không đạt chỉ tiêu",
                   "exceeded": "vượt chỉ tiêu", "met": "đạt chỉ tiêu",
                   "on_track": "đúng tiến độ để đạt chỉ tiêu"}.get(line.status, line.label("vi").lower())
    per = ""
    if line.actual_period and (line.actual_period != "FY"):
        per = f" ({period_words(line.actual_period, lang)})" if lang == "en" else \
            f" {'lũy kế ' if line.kind == 'flow' else ''}{period_words(line.actual_period, lang)}"
    if line.comparator == "qualitative" or (line.actual is None and line.verdict):
        word = {"dat": ("met", "đạt"), "khong_dat": ("not met", "không đạt")}.get(line.verdict or "", ("–", "–"))
        ill = (" (illustrative figure)" if lang == "en" else " (số minh họa)") if line.illustrative else ""
        if lang == "en":
            return f"{name}{per}: assessed as {word[0]}{ill}; {outcome}."
        return f"{name}{per}: được đánh giá {word[1]}{ill}; {outcome}."
    fig = _figure(line, lang)
    p = plan_percent(line)
    if line.comparator in ("le", "lt") or (line.comparator in ("between", "eq") and line.direction == "lower_is_better"):
        # Less is better: the percent is a mirror image, so say where the figure stands instead.
        if lang == "en":
            return f"{name}{per} was {fig}, {outcome} ({tgt})."
        return f"{name}{per} là {fig}, {outcome} ({tgt})."
    if line.comparator == "between" and line.direction == "target_band":
        if lang == "en":
            return f"{name}{per} was {fig}; {outcome} ({tgt})."
        return f"{name}{per} là {fig}; {outcome} ({tgt})."
    of_what = ("of the annual plan" if line.percent_of_annual is not None else
               "of the assigned figure" if line.comparator == "exceed_assigned" else "of plan") if lang == "en" else (
        "kế hoạch năm" if line.percent_of_annual is not None else
        "mức cấp trên giao" if line.comparator == "exceed_assigned" else "kế hoạch")
    share = ""
    if p is not None:
        share = f", {pct(p, lang)} {of_what}" if lang == "en" else f", bằng {pct(p, lang)} {of_what}"
    if line.percent_of_annual is not None and line.percent is not None:  # and the verdict's percent of pace
        share += (f" ({pct(line.percent, lang)} of the pace needed by now)" if lang == "en"
                  else f" ({pct(line.percent, lang)} tiến độ cần đạt đến kỳ này)")
    if lang == "en":
        return f"{name}{per} reached {fig}{share}; {outcome} ({tgt})."
    return f"{name}{per} đạt {fig}{share}, {outcome} {tgt}."


def paragraphs(report: Report, lang: str = "vi") -> list[tuple[str, str]]:
    """[(kind, text)]: kind is 'h' (heading) or 'p' (paragraph) or 'i' (italic note)."""
    en = lang == "en"
    out: list[tuple[str, str]] = []
    if report.synthetic:
        out.append(("i", "Synthetic data for testing (DỮ LIỆU GIẢ LẬP): the figures mean nothing." if en else
                    "Dữ liệu giả lập để thử nghiệm (DỮ LIỆU GIẢ LẬP): các số liệu không có ý nghĩa thực tế."))
    name = clean(report.name)
    n = 0

    def head(vi: str, e: str) -> None:
        nonlocal n
        out.append(("h", f"{ROMAN[n]}. {e if en else vi}"))
        n += 1

    if report.lines:
        out.append(("p", f"The People's Committee of {name} reports on the targets of its {report.year} "
                         f"socio-economic development plan, {year_words(report, 'en')}, as follows." if en else
                    f"Ủy ban nhân dân {_mid(name)} báo cáo tình hình thực hiện các chỉ tiêu kế hoạch phát triển kinh tế - "
                    f"xã hội {year_words(report).lower()} như sau:"))
        head("KẾT QUẢ CHUNG", "OVERALL")
        out.append(("p", _count_phrase(report.counts(), lang)))
        head("KẾT QUẢ THEO LĨNH VỰC", "BY AREA")
        for area in report.areas:
            out.append(("p", _count_phrase(area.counts(), lang, f"{area.label(lang)}: of" if en else
                                           f"{area.label(lang)}: trong tổng số")))
        behind = [line for line in report.lines if line.status in BEHIND]
        head("CÁC CHỈ TIÊU CHƯA ĐẠT HOẶC CÓ NGUY CƠ KHÔNG ĐẠT", "TARGETS BEHIND")
        if behind:
            out += [("p", "- " + line_sentence(line, report, lang)) for line in
                    sorted(behind, key=lambda x: (-STATUS_INFO[x.status]["severity"], x.stt))]
        else:
            out.append(("p", "None." if en else "Không có chỉ tiêu nào chưa đạt hoặc có nguy cơ không đạt."))
        ahead = [line for line in report.lines if line.status == "exceeded"]
        head("CÁC CHỈ TIÊU VƯỢT KẾ HOẠCH", "TARGETS EXCEEDED")
        if ahead:
            out += [("p", "- " + line_sentence(line, report, lang)) for line in ahead]
        else:
            out.append(("p", "None." if en else "Chưa có chỉ tiêu nào vượt kế hoạch."))
        missing = [line for line in report.lines if line.status == "no_data"]
        if missing:
            head("CÁC CHỈ TIÊU CHƯA CÓ SỐ LIỆU", "TARGETS WITHOUT DATA")
            out.append(("p", ("; ".join(clean(x.name(lang)) for x in missing)) + "."))
        if report.notes:
            head("SỐ LIỆU ĐIỀU CHỈNH VÀ SỐ LIỆU CHÊNH LỆCH", "REVISED AND CONFLICTING FIGURES")
            for note in report.notes:
                nm = clean(note.name_en if en else note.name_vi)
                out.append(("p", f"- {nm}: {clean(note.text_en if en else note.text_vi)}"))
        if report.explanations:
            head("GIẢI TRÌNH VỀ CÁC CHỈ TIÊU", "EXPLANATIONS REQUESTED")
            out += [("p", "- " + explanation_sentence(x, lang)) for x in report.explanations]
        head("SO VỚI CÙNG KỲ NĂM TRƯỚC", "COMPARED WITH THE SAME PERIOD LAST YEAR")
        with_last = [line for line in report.lines if line.vs_last is not None]
        if with_last:
            for line in with_last:
                change = line.vs_last - 100
                if en:
                    out.append(("p", f"- {clean(line.name('en'))}: {num(line.actual, 'en')} against "
                                     f"{num(line.last_value, 'en')}{_u(line.unit)} in the same period of "
                                     f"{report.year - 1} ({pct(line.vs_last, 'en')}, "
                                     f"{'up' if change >= 0 else 'down'} {pct(abs(change), 'en')})."))
                else:
                    out.append(("p", f"- {clean(line.name('vi'))}: {num(line.actual)} so với {num(line.last_value)}"
                                     f"{_u(line.unit)} cùng kỳ năm {report.year - 1}, bằng {pct(line.vs_last)} "
                                     f"({'tăng' if change >= 0 else 'giảm'} {pct(abs(change))})."))
        else:
            out.append(("p", f"No figure for the same period of {report.year - 1} is stored for these targets."
                        if en else f"Chưa có số liệu cùng kỳ năm {report.year - 1} để so sánh."))
    if report.rollup:
        head("TỔNG HỢP CÁC ĐƠN VỊ TRỰC THUỘC", "UNITS")
        out += rollup_paragraphs(report, lang)
    out.append(("i", _legend(report, lang)))
    return out


def _on(d, lang: str) -> str:
    if d is None:
        return ""
    return f" on {d:%d/%m/%Y}" if lang == "en" else f" ngày {d:%d/%m/%Y}"


def explanation_sentence(x: Explanation, lang: str = "vi") -> str:
    """'Tên chỉ tiêu: yêu cầu giải trình của ld (ngày 02/12/2026, hạn 10/12/2026): “…”. Giải trình của
    ba_to (ngày 03/12/2026): “…” (kèm tệp bao-cao.pdf). Đã đóng ngày 04/12/2026.' — 'Chưa trả lời.' when
    no answer has come."""
    en = lang == "en"
    name = clean(x.name(lang))
    due = (f", answer by {x.due:%d/%m/%Y}" if en else f", hạn {x.due:%d/%m/%Y}") if x.due else ""
    who = clean(x.asked_by) or "–"
    if en:
        text = f"{name}: explanation requested by {who}{_on(x.asked_at, lang)}{due}: “{clean(x.message)}”."
    else:
        text = f"{name}: yêu cầu giải trình của {who}{_on(x.asked_at, lang)}{due}: “{clean(x.message)}”."
    if x.answer:
        by = clean(x.answered_by) or "–"
        file = ""
        if x.attachment:
            file = f" (file attached: {clean(x.attachment)})" if en else f" (kèm tệp {clean(x.attachment)})"
        text += (f" Answer by {by}{_on(x.answered_at, lang)}: “{clean(x.answer)}”{file}." if en else
                 f" Giải trình của {by}{_on(x.answered_at, lang)}: “{clean(x.answer)}”{file}.")
    else:
        text += " Not answered yet." if en else " Chưa trả lời."
    if x.state == "closed":
        text += f" Closed{_on(x.closed_at, lang)}." if en else f" Đã đóng{_on(x.closed_at, lang)}."
    return text


def _legend(report: Report, lang: str) -> str:
    icons = ", ".join(f"{STATUS_INFO[s]['icon']} {STATUS_INFO[s]['en' if lang == 'en' else 'vi']}"
                      for s in COUNT_ORDER)
    if lang == "en":
        s = (f"Assessment: {icons}. Each figure's standing is shown beside it (estimate, preliminary, official); "
             "the verdicts follow the product's status rules (README, section status).")
        if report.has_illustrative:
            s += " * Illustrative figure: made up to fill in the picture, not a published figure."
        return s
    s = (f"Đánh giá: {icons}. Mức độ của từng số liệu ghi bên cạnh số (ước tính, sơ bộ, chính thức).")
    if report.has_illustrative:
        s += " * Số minh họa: số giả định để minh họa, không phải số liệu công bố."
    return s


def rollup_paragraphs(report: Report, lang: str = "vi") -> list[tuple[str, str]]:
    roll = report.rollup
    en = lang == "en"
    out = []
    out.append(("p", (f"{num(len(roll.units), lang)} units have a plan for {report.year}. " if en else
                      f"Có {num(len(roll.units))} đơn vị có kế hoạch năm {report.year}. ")
                + _count_phrase(roll.counts, lang)))
    if roll.most_behind:
        out.append(("p", "Units most behind:" if en else "Các đơn vị có nhiều chỉ tiêu chậm nhất:"))
        for u in roll.most_behind:
            worst = "; ".join(line_sentence(x, report, lang).rstrip(".") for x in u.worst[:2])
            nb = u.counts["not_met"] + u.counts["at_risk"]
            if en:
                out.append(("p", f"- {clean(u.name)}: {nb} of {u.targets} targets behind "
                                 f"({u.counts['not_met']} not met, {u.counts['at_risk']} at risk). {worst}."))
            else:
                out.append(("p", f"- {clean(u.name)}: {nb}/{u.targets} chỉ tiêu chậm ({u.counts['not_met']} chưa đạt, "
                                 f"{u.counts['at_risk']} có nguy cơ không đạt). {worst}."))
    return out


def rollup_headings(report: Report, lang: str) -> list[str]:
    en = lang == "en"
    head = ["No.", "Unit", "Targets"] if en else ["STT", "Đơn vị", "Số chỉ tiêu"]
    head += [f"{STATUS_INFO[s]['icon']} {STATUS_INFO[s]['en' if en else 'vi']}" for s in
             ("exceeded", "met", "on_track", "at_risk", "not_met", "no_data")]
    head += [f"{clean(vi if not en else e)} ({u})" if u else clean(vi if not en else e)
             for _, vi, e, u in report.rollup.key_indicators]
    return head


def rollup_rows(report: Report, lang: str) -> list[list[str]]:
    rows = []
    for i, u in enumerate(report.rollup.units, start=1):
        cells = [str(i), clean(u.name), str(u.targets)]
        cells += [str(u.counts[s]) for s in ("exceeded", "met", "on_track", "at_risk", "not_met", "no_data")]
        for code, *_ in report.rollup.key_indicators:
            line = u.key_values.get(code)
            if line is None:
                cells.append("not planned" if lang == "en" else "không giao")
            elif line.actual_period is None:
                cells.append(f"{line.icon} " + ("no data" if lang == "en" else "chưa có"))
            else:
                cells.append(f"{line.icon} {actual_text(line, lang, report)}")
        rows.append(cells)
    return rows

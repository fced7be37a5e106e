"""Kế hoạch: upload a plan, review what was read (locality, year, targets), save; stored plans; catalogue.
The review's rules and words are in ui/plan_review.py (pure); its widgets are keyed by the file's content
hash, so a second file starts afresh."""
import dataclasses
import hashlib

import streamlit as st

from chitieu.errors import UserError
from chitieu.store.plans import PlanExists, save_plan
from loaders.plans.isolated import read_plan_upload  # parsed in a capped child process (issue 10)
from ui import auth as auth_ui
from ui import common
from ui import plan_review as pr
from ui.i18n import catalogue_view, t

lang = common.filters()["lang"]
st.title(t("page_plans", lang))
catalogue = common.read("catalogue")
writer = auth_ui.write_gate(lang)  # analysts and admins only
up = None if writer is None else st.file_uploader(t("upload_plan", lang), type=["txt", "docx", "pdf"], key="plan_file")
if up is not None:
    sha = hashlib.sha256(data := up.getvalue()).hexdigest()
    k = f"{sha[:16]}_{lang}"  # every widget of the review belongs to this file (and language)
    if st.session_state.get("plan_sha") != sha:  # extract once per file, not per rerun
        try:
            st.session_state.update(plan=read_plan_upload(data, up.name), plan_sha=sha, plan_error=None)
        except UserError as exc:
            st.session_state.update(plan=None, plan_sha=sha, plan_error=exc.message(lang))
    plan = st.session_state["plan"]
    if plan is None:
        st.error(st.session_state["plan_error"], icon=":material/error:")
    else:
        st.success(t("extracted", lang, n=len(plan.targets)))
        left, right = st.columns([4, 1])
        year = right.number_input(t("override_year", lang), 1990, 2100, plan.year, key=f"plan_year_{k}",
                                  placeholder=pr.tr("year_placeholder", lang))
        schemes = pr.schemes(year)  # 2025: units before and after the reform of 1 July, labelled so
        both, options = len(schemes) > 1, pr.locality_options(plan.locality, year)
        choice = left.selectbox(pr.tr("locality_choice", lang), options, key=f"plan_loc_{k}_{'-'.join(schemes)}",
                                index=pr.index_of(f"{plan.locality.scheme}:{plan.locality.code}", options),
                                format_func=lambda key: pr.unit_label(key, lang, both),
                                placeholder=pr.tr("locality_placeholder", lang))
        loc, status = pr.resolve_choice(choice, year, plan.locality, plan.text)
        (st.success if status == "resolved" else st.warning)(
            pr.locality_message(status, loc, plan.locality, len(pr.candidate_keys(plan.locality, year)), both, lang),
            icon=":material/location_on:" if status == "resolved" else ":material/warning:")
        indicators = pr.indicator_choices(catalogue, lang)
        base, ver = f"plan_rows_{k}", f"plan_ver_{k}"
        if base not in st.session_state:
            st.session_state[base], st.session_state[ver] = pr.review_rows(plan.targets, indicators, lang), 0
        st.caption(pr.tr("rows_caption", lang, n=int((st.session_state[base]["doubt"] != "").sum())))
        cfg = {c: getattr(st.column_config, kd)(**kw) for c, (kd, kw) in pr.editor_columns(indicators, lang).items()}
        edited = st.data_editor(  # offsets and original figures stay on the server (joined back below)
            st.session_state[base][pr.EDIT_COLUMNS], key=f"plan_editor_{k}_{st.session_state[ver]}",
            num_rows="dynamic", hide_index=True, disabled=["doubt"], column_config=cfg,
        ).join(st.session_state[base][pr.HIDDEN])
        sents = pr.sentences(plan.text, plan.targets)
        a, b = st.columns([5, 1], vertical_alignment="bottom")
        pick = a.selectbox(pr.tr("add_from_sentence", lang), range(len(sents)), index=None, key=f"plan_sent_{k}",
                           format_func=lambda i: sents[i][2][:180], placeholder=pr.tr("sentence_placeholder", lang))
        if b.button(pr.tr("add_row", lang), key=f"plan_add_{k}", disabled=pick is None):
            s, e, sentence = sents[pick]
            st.session_state[base] = pr.add_row(edited, sentence, (s, e), pr.read_sentence(sentence), indicators, lang)
            st.session_state[ver] += 1
            st.rerun()
        sure = status != "resolved" and st.checkbox(pr.tr("confirm_unresolved", lang), key=f"plan_unres_{k}")
        confirm = f"plan_exists_{k}"  # the store said: that locality already has a plan for that year
        if st.session_state.get(confirm):
            st.warning(st.session_state[confirm], icon=":material/warning:")
        replace = bool(st.session_state.get(confirm)) and st.button(pr.tr("replace", lang), key=f"plan_replace_{k}")
        if st.button(t("save_plan", lang), type="primary", key="save_plan") or replace:
            targets, errors = pr.to_targets(edited, indicators, dict(zip(catalogue["code"], catalogue["unit"])), lang)
            saved = dataclasses.replace(plan, targets=targets, year=None if year is None else int(year), locality=loc)
            st.session_state[confirm] = None
            try:
                if problems := pr.save_problems(errors, year, targets, status, sure, lang):
                    st.error(pr.tr("not_saved", lang) + "\n- " + "\n- ".join(problems), icon=":material/error:")
                else:
                    res = save_plan(common.con(), saved, actor=writer.username, user=writer, replace=replace)
                    common.after_write()
                    st.success(pr.saved_message(res.status, loc.name, saved.year, res.targets, lang),
                               icon=":material/check:")
            except PlanExists as exc:
                st.session_state[confirm] = exc.message(lang)
                st.rerun()
            except UserError as exc:  # no right over this locality
                st.error(exc.message(lang), icon=":material/lock:")

st.subheader(t("stored_plans", lang))
plans = common.read("plans")
if plans.empty:
    common.empty_state(t("no_plans", lang))
else:
    view = pr.stored_plans(plans, lang)  # locality, province, year, targets, when, by whom
    common.table(view, dict(zip(view.columns, view.columns)), numbers=[pr.tr("col_targets", lang)], key="plans_table")
with st.expander(t("catalogue", lang)):
    common.table(catalogue_view(catalogue, lang), {c: t("cat_" + c, lang) for c in catalogue}, key="catalogue_table")

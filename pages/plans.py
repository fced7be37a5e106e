"""Kế hoạch: upload a plan, review the extracted targets (fix, map, drop), confirm; stored plans; catalogue."""
import dataclasses
import hashlib

import pandas as pd
import streamlit as st

from chitieu.errors import UserError
from chitieu.model import COMPARATORS, PlanTarget
from chitieu.auth import can_write
from chitieu.store.plans import locality_key, save_plan
from loaders.plans.extract import extract_document
from loaders.plans.locality import detect_locality
from ui import auth as auth_ui
from ui import common
from ui.i18n import column_label, t

lang = common.filters()["lang"]
st.title(t("page_plans", lang))
catalogue = common.read("catalogue")
writer = auth_ui.write_gate(lang)  # analysts and admins only
up = None if writer is None else st.file_uploader(t("upload_plan", lang), type=["txt", "docx", "pdf"],
                                                  key="plan_file")
if up is not None:
    data = up.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    if st.session_state.get("plan_sha") != sha:  # extract once per file, not per rerun
        try:
            st.session_state.update(plan=extract_document(data, up.name), plan_sha=sha, plan_error=None)
        except UserError as exc:
            st.session_state.update(plan=None, plan_sha=sha, plan_error=exc.en if lang == "en" else exc.vi)
    plan = st.session_state["plan"]
    if plan is None:
        st.error(st.session_state["plan_error"], icon=":material/error:")
    else:
        st.success(t("extracted", lang, n=len(plan.targets)))
        left, right = st.columns([3, 1])
        name = left.text_input(t("override_locality", lang), plan.locality.name, key="plan_locality")
        year = right.number_input(t("override_year", lang), 2000, 2100, plan.year or 2025, key="plan_year")
        if plan.locality.scheme == "unresolved" or plan.locality.candidates:
            st.warning(t("locality_unresolved", lang, name=f"{plan.locality.name} — {plan.locality.note}"))
        st.caption(t("unmapped_hint", lang))
        rows = pd.DataFrame([{"keep": True, **tg.to_dict()} for tg in plan.targets])
        labels = dict(zip(catalogue["code"], catalogue["name_en" if lang == "en" else "name_vi"]))
        edited = st.data_editor(
            rows, key="plan_editor", hide_index=True, disabled=["text", "start", "end"],
            column_order=["keep", "indicator", "indicator_label", "scope", "comparator", "value", "value_high",
                          "unit", "text", "note"],
            column_config={
                "keep": st.column_config.CheckboxColumn(t("keep", lang), width="small"),
                "indicator": st.column_config.SelectboxColumn(
                    t("indicator", lang), options=["unmapped", *labels], width="large", required=True,
                    format_func=lambda c: c if c == "unmapped" else f"{labels.get(c, c)} [{c}]"),
                "comparator": st.column_config.SelectboxColumn(column_label("comparator", lang),
                                                               options=list(COMPARATORS), required=True),
                **{c: column_label(c, lang) for c in ("indicator_label", "scope", "value_high", "unit", "note")},
                "value": st.column_config.NumberColumn(t("target", lang), format="%.2f"),
                "text": st.column_config.TextColumn(t("plan_sentence", lang), width="large")})
        if st.button(t("save_plan", lang), type="primary", key="save_plan"):
            fields = {f.name for f in dataclasses.fields(PlanTarget)}
            kept = [PlanTarget(**{k: (None if pd.isna(v) else v) for k, v in r.items() if k in fields})
                    for r in edited[edited["keep"]].to_dict("records")]
            locality = plan.locality if name == plan.locality.name else detect_locality(name, int(year))
            saved = dataclasses.replace(plan, targets=kept, year=int(year), locality=locality)
            if not can_write(writer, *locality_key(saved), common.con()):
                st.error(t("no_right", lang, name=locality.name), icon=":material/lock:")
            else:
                save_plan(common.con(), saved, actor=writer.username)
                common.after_write()
                st.success(t("saved_plan", lang, plan=plan.plan_key, n=len(kept)), icon=":material/check:")

st.subheader(t("stored_plans", lang))
plans = common.read("plans")
if plans.empty:
    common.empty_state(t("no_plans", lang))
else:
    common.table(plans, {c: column_label(c, lang) for c in ["plan_key", "locality_name", "province", "year",
                                                           "targets", "loaded_at"]}, key="plans_table")
with st.expander(t("catalogue", lang)):
    common.table(catalogue, {c: t("cat_" + c, lang) for c in catalogue.columns}, key="catalogue_table")

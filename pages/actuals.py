"""Nhập số liệu: template download, upload → dry run → confirm, upload history, undo."""
import hashlib

import streamlit as st

from chitieu.auth import forbidden_localities
from chitieu.errors import UserError
from chitieu.store.reads import upload_localities
from chitieu.store.actuals import list_uploads, undo_upload
from loaders.actuals.upload import confirm, dry_run
from ui import auth as auth_ui
from ui import common
from ui.i18n import column_label, t

f = common.filters()
lang, year = f["lang"], f["year"]
st.title(t("page_actuals", lang))
locs = common.read("localities", year, f["province"]) if year is not None else None
if locs is None or locs.empty:
    common.empty_state(t("no_targets_for_template", lang))
    st.stop()

st.subheader(t("template", lang))
names = dict(zip(locs["key"], locs["name"]))
chosen = common.multiselect("tlocs", t("localities", lang), list(names), list(names)[:1], format_func=names.get)
if chosen:
    st.download_button(t("template_btn", lang), common.template(chosen, year), f"mau_so_lieu_{year}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", key="template_download")

st.subheader(t("upload_actuals", lang))
writer = auth_ui.write_gate(lang)  # analysts and admins only; anyone else gets a line on how to log in
up = None if writer is None else st.file_uploader(t("upload_actuals", lang), type=["xlsx", "xlsm"],
                                                  key="actuals_file", label_visibility="collapsed")
if up is not None:
    data = up.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    if st.session_state.get("preview_sha") != sha:  # one dry run per file, not per rerun
        st.session_state.update(preview=dry_run(common.con(), data, up.name, writer), preview_sha=sha)
    preview = st.session_state["preview"]
    st.markdown(f"**{t('dry_run', lang)}**")
    c = preview.counts()
    st.caption(" · ".join(f"{column_label('count_' + k, lang)}: {v}" for k, v in c.items()))
    for issue in preview.file_issues:
        st.error(issue.message(lang))
    if preview.rows:
        table = preview.table(lang)
        common.table(table, {c: column_label(c, lang) for c in table.columns}, numbers=["value", "previous_value"],
                     key="preview_table")
    stored = st.session_state.get("stored_sha") == sha
    if not preview.ok:
        st.error(t("blocked", lang), icon=":material/block:")
    elif not stored and (slot := st.empty()).button(t("confirm", lang), type="primary", key="confirm_upload"):
        upload_id = confirm(common.con(), preview, writer)
        common.after_write()
        st.session_state.update(stored_sha=sha, stored_id=upload_id)
        slot.empty()  # the button goes once the file is stored (st.rerun would reset the sidebar in AppTest)
        stored = True
    if stored:
        st.success(t("confirmed", lang, n=c["rows"], id=st.session_state["stored_id"]), icon=":material/check:")

st.subheader(t("uploads", lang))
uploads = list_uploads(common.con())
if uploads.empty:
    common.empty_state(t("no_uploads", lang))
    st.stop()
common.table(uploads, {c: column_label(c, lang) for c in ["upload_id", "file_name", "uploader", "uploaded_at",
                                                         "rows_accepted", "rows_rejected", "undone_at", "sample"]},
             key="uploads_table")
undoable = uploads[uploads["undone_at"].isna()]["upload_id"].tolist()
if undoable and writer is not None:
    left, right = st.columns([3, 1])
    uid = left.selectbox(t("undo", lang), undoable, key="undo_id",
                         format_func=lambda i: f"#{i} — {uploads.set_index('upload_id').at[i, 'file_name']}")
    if right.button(t("undo", lang), key="undo_btn"):
        denied = forbidden_localities(writer, upload_localities(common.con(), int(uid)), common.con())
        try:
            if denied:  # an analyst undoes only uploads wholly within their localities
                raise UserError("forbidden", t("no_right_undo", "vi", n=len(denied)), t("no_right_undo", "en",
                                                                                      n=len(denied)))
            undo_upload(common.con(), int(uid), writer.username)
            common.after_write()
            st.success(t("undone", lang, id=uid))
        except UserError as exc:
            st.error(exc.en if lang == "en" else exc.vi)

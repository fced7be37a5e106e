"""Nhập số liệu: 1. template download, 2. upload, 3. dry run → confirm; the upload history and undo."""
import hashlib

import streamlit as st

from chitieu.store.actuals import list_uploads
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
    stored = st.session_state.get("stored_sha") == sha
    heading = st.empty()  # "3. Preview (nothing written yet)", then "3. Stored" once confirmed
    heading.subheader(t("dry_run_done" if stored else "dry_run", lang))
    c = preview.counts()
    st.caption(" · ".join(f"{column_label('count_' + k, lang)}: {v}" for k, v in c.items()))
    for issue in preview.file_issues:
        st.error(issue.message(lang))
    if not preview.ok and preview.rows:  # the reason of each error, with its row, above the table
        st.error(t("blocked", lang) + "\n\n" + common.error_lines(preview, lang), icon=":material/block:")
    elif not preview.ok:
        st.error(t("blocked", lang), icon=":material/block:")
    if preview.rows:
        common.preview_table(preview, lang)
    if preview.ok and not stored and (slot := st.empty()).button(t("confirm", lang), type="primary",
                                                                  key="confirm_upload"):
        upload_id = confirm(common.con(), preview, writer)
        common.after_write()
        st.session_state.update(stored_sha=sha, stored_id=upload_id)
        slot.empty()  # the button goes once the file is stored (st.rerun would reset the sidebar in AppTest)
        heading.subheader(t("dry_run_done", lang))
        stored = True
    if stored:
        st.success(t("confirmed", lang, n=c["rows"], id=st.session_state["stored_id"]), icon=":material/check:")

st.subheader(t("uploads", lang))
uploads = list_uploads(common.con())
if uploads.empty:
    common.empty_state(t("no_uploads", lang))
    st.stop()
shown = common.uploads_view(uploads, lang)
common.table(shown, {c: column_label(c, lang) for c in ["upload_id", "file_name", "uploader", "uploaded_at",
                                                        "rows_accepted", "rows_rejected", "undone_at", "sample"]},
             wide=["file_name", "uploader", "uploaded_at"], key="uploads_table")
if writer is not None:
    common.undo_box(uploads, shown, writer, lang)  # asks once more before undoing; the last upload first

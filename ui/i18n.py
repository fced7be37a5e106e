"""Interface strings in Vietnamese (first) and English. Pure: no Streamlit.

`t(key, lang, **fmt)` returns the string for the language, formatted with `fmt`; an unknown
key returns the key itself so a missing string shows up on screen instead of crashing.
Status labels and icons come from chitieu.status.STATUS_INFO (one source for CLI and UI).
"""
from __future__ import annotations

from chitieu.catalogue import CATEGORIES
from chitieu.status import STATUS_INFO

LANGS = ("vi", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Chỉ tiêu", "Chỉ tiêu — plan targets"),
    "page_overview": ("Tổng quan", "Overview"),
    "page_locality": ("Địa phương", "Locality"),
    "page_compare": ("So sánh", "Compare"),
    "page_indicator": ("Chỉ tiêu", "Indicator"),
    "page_plans": ("Kế hoạch", "Plans"),
    "page_actuals": ("Nhập số liệu", "Enter actuals"),
    "page_cycle": ("Kỳ báo cáo", "Reporting cycle"),
    "page_audit": ("Nhật ký thay đổi", "Change log"),
    "sidebar_filters": ("Bộ lọc chung", "Filters"),
    "year": ("Năm", "Year"),
    "as_of": ("Tính đến kỳ", "As of period"),
    "language": ("Ngôn ngữ", "Language"),
    "province": ("Tỉnh / thành phố", "Province"),
    "all_provinces": ("Tất cả", "All"),
    "share_hint": ("Đường dẫn trên thanh địa chỉ giữ nguyên các bộ lọc: sao chép để chia sẻ đúng màn hình này.",
                   "The address bar keeps every filter: copy it to share exactly this view."),
    "empty_db": ("Chưa có dữ liệu. Hãy tải kế hoạch lên ở trang **Kế hoạch**, rồi nhập số liệu ở trang "
                 "**Nhập số liệu**.",
                 "No data yet. Upload a plan on the **Plans** page, then enter actuals on the **Enter actuals** "
                 "page."),
    "empty_year": ("Năm {year} chưa có kế hoạch nào. Chọn năm khác ở thanh bên.",
                   "No plan for {year}. Choose another year in the sidebar."),
    "db_busy": ("Không mở được cơ sở dữ liệu: {msg}", "Cannot open the database: {msg}"),
    "built_sample": ("Đã nạp dữ liệu mẫu lần đầu.", "Sample data loaded on first start."),
    # ---- Roles (chitieu.auth.ROLES) as the user reads them: role_label() ------------------------
    "role_admin": ("quản trị viên", "administrator"),
    "role_analyst": ("chuyên viên", "analyst"),
    "role_leader": ("lãnh đạo", "leader"),
    "role_viewer": ("người xem", "viewer"),
    # ---- Reporting cycle (issue 13: views/cycle.py, ui/cycle.py) ----------------------------------
    "cy_no_plan": ("Chưa có kế hoạch nào: hãy nạp kế hoạch trước.", "No plan yet: load a plan first."),
    "cy_sidebar_hint": ("Kỳ và năm chọn ở thanh bên.", "Choose the period and year in the sidebar."),
    "cy_deadline_line": ("{when}: chốt số liệu ngày {cutoff}, hạn nộp ngày {due} ({left}; {origin}).",
                         "{when}: figures cut off on {cutoff}, due on {due} ({left}; {origin})."),
    "cy_origin_admin": ("do quản trị viên đặt", "set by the administrator"),
    "cy_origin_default": ("mặc định theo Nghị định 09/2019/NĐ-CP", "default under Decree 09/2019/NĐ-CP"),
    "cy_calendar": ("Lịch báo cáo năm {year}", "Reporting calendar {year}"),
    "cy_col_period": ("Kỳ báo cáo", "Period"), "cy_col_cutoff": ("Ngày chốt số liệu", "Cut-off date"),
    "cy_col_due": ("Hạn nộp", "Due date"), "cy_col_source": ("Nguồn", "Source"),
    "cy_source_admin": ("Quản trị viên đặt", "Administrator"), "cy_source_default": ("Mặc định", "Default"),
    "cy_set_dates": ("**Đặt lịch cho một kỳ** (chỉ quản trị viên)", "**Set the dates of a period** (administrators only)"),
    "cy_period": ("Kỳ", "Period"), "cy_save_dates": ("Lưu lịch", "Save the dates"), "cy_saved": ("Đã lưu: ", "Saved: "),
    "cy_missing_head": ("Địa phương chưa báo cáo đủ", "Localities not fully reported"),
    "cy_missing_caption": ("{n} trên {total} địa phương chưa có đủ số liệu của kỳ này ({gaps} chỉ tiêu còn trống).",
                           "{n} of {total} localities lack figures for this period ({gaps} targets without a figure)."),
    "cy_all_reported": ("Mọi địa phương trong phạm vi đang xem đã có số liệu cho mọi chỉ tiêu của kỳ này.",
                        "Every locality in view has a figure for every target of this period."),
    "cy_col_locality": ("Địa phương", "Locality"), "cy_col_targets": ("Số chỉ tiêu", "Targets"),
    "cy_col_missing": ("Chưa có số liệu", "Without a figure"), "cy_col_state": ("Trạng thái", "State"),
    "cy_approve_head": ("Gửi duyệt, duyệt và khoá số liệu", "Submit, approve and lock the figures"),
    "cy_approve_caption": ("Chuyên viên gửi số liệu của địa phương; lãnh đạo địa phương hoặc cấp trên duyệt (số liệu kỳ "
                           "đó bị khoá: không tải lên, không hoàn tác được) hoặc trả lại kèm nhận xét; mở khoá cần ghi "
                           "lý do. Mọi bước có trong nhật ký thay đổi.",
                           "An analyst submits the locality's figures; a leader of the locality or above approves them "
                           "(the period is then locked: no upload, no undo) or returns them with a comment; unlocking "
                           "needs a reason. Every step is in the change log."),
    "cy_gaps": ("{n} chỉ tiêu chưa có số liệu {period}", "{n} targets without a figure for {period}"),
    "cy_no_rights": ("Chỉ chuyên viên của địa phương (gửi duyệt) và lãnh đạo của địa phương hoặc cấp trên (duyệt, trả "
                     "lại, mở khoá) thao tác được ở đây. Hãy đăng nhập ở thanh bên.",
                     "Only the locality's analysts (submit) and its leaders or those above (approve, return, unlock) "
                     "can act here. Sign in in the sidebar."),
    "cy_comment": ("Nhận xét / lý do (bắt buộc khi trả lại hoặc mở khoá)",
                   "Comment / reason (needed to return or unlock)"),
    "cy_btn_submit": ("Gửi duyệt", "Submit"), "cy_btn_approve": ("Duyệt và khoá", "Approve and lock"),
    "cy_btn_return": ("Trả lại", "Return"), "cy_btn_unlock": ("Mở khoá", "Unlock"),
    "cy_state_line": ("**Trạng thái:** {state}", "**State:** {state}"),
    "cy_requests_head": ("Yêu cầu giải trình", "Explanation requests"),
    "cy_requests_caption": ("Lãnh đạo gửi yêu cầu từ mục “Vì sao” của một chỉ tiêu (trang Địa phương); chuyên viên trả "
                            "lời ở đó, có thể kèm một tệp.",
                            "Leaders send a request from a target's “why” panel (Locality page); analysts answer "
                            "there, optionally with a file."),
    "cy_no_requests": ("Chưa có yêu cầu giải trình nào trong năm này.", "No explanation request this year."),
    "cy_col_no": ("Số", "No."), "cy_col_target": ("Chỉ tiêu", "Target"), "cy_col_request": ("Yêu cầu", "Request"),
    "cy_col_answer": ("Giải trình", "Explanation"),
    "cy_pick_file": ("Tệp kèm của yêu cầu", "Attachment of request"),
    "cy_cascade_head": ("Chỉ tiêu cấp dưới so với cấp trên", "Units' targets against the level above"),
    "cy_cascade_caption": ("Số lượng, số tiền (việc làm, thu ngân sách, xã nông thôn mới…) được cộng lại; tỷ lệ thì xem "
                           "có đơn vị nào đặt chỉ tiêu bằng hoặc cao hơn cấp trên không.",
                           "Counts and amounts (jobs, budget revenue, new-rural communes…) are added up; for rates, "
                           "the check is whether any unit set a target as high as the level above's."),
    "cy_cascade_none": ("Không có chỉ tiêu nào vừa ở kế hoạch cấp trên vừa ở kế hoạch của đơn vị trực thuộc trong năm "
                        "này.", "No target is set both by a plan and by a plan of one of its units this year."),
    "cy_cascade_count": ("{n} trên {total} chỉ tiêu cấp trên vênh với chỉ tiêu của các đơn vị trực thuộc (hoặc mới có "
                         "một phần đơn vị đặt chỉ tiêu).", "{n} of {total} targets of a level above do not match its "
                         "units' targets (or only some units set them)."),
    "cy_cascade_all": ("Cả những chỉ tiêu đã khớp", "Also the consistent ones"),
    "cy_col_parent": ("Cấp trên", "Level above"), "cy_col_verdict": ("Kết quả", "Verdict"),
    "cy_col_message": ("Giải thích", "Explanation"),
    "cy_figures_state": ("Số liệu {period}: {state}.", "{period} figures: {state}."),
    "cy_request_line": ("**Yêu cầu giải trình #{id}** ({state}{due}) — {who}: “{message}”",
                        "**Explanation request #{id}** ({state}{due}) — {who}: “{message}”"),
    "cy_due": (", hạn {date}", ", answer by {date}"),
    "cy_answer_line": ("**Giải trình** ({who}): “{answer}”", "**Explanation** ({who}): “{answer}”"),
    "cy_file_line": ("Tệp kèm: {name} ({size})", "Attached file: {name} ({size})"),
    "cy_file_hidden": ("Tệp kèm: {name} ({size}); chỉ chuyên viên và lãnh đạo của địa phương tải được.",
                       "Attached file: {name} ({size}); only the locality's analysts and leaders can download it."),
    "cy_download": ("Tải tệp kèm: {name}", "Download the attachment: {name}"),
    "cy_history": ("Diễn biến: {steps}", "History: {steps}"),
    "cy_answer_text": ("Nội dung giải trình", "Explanation"),
    "cy_answer_file": ("Tệp kèm theo (không bắt buộc; PDF, Word, Excel, ảnh PNG hoặc JPEG, tối đa {limit})",
                       "Attach a file (optional; PDF, Word, Excel, PNG or JPEG image, at most {limit})"),
    "cy_answer_keep": ("Gửi lại không kèm tệp thì tệp đã gửi trước được giữ.",
                       "Answering again without a file keeps the file sent before."),
    "cy_btn_answer": ("Gửi giải trình", "Send the explanation"), "cy_answered": ("Đã gửi giải trình.", "Explanation sent."),
    "cy_btn_close": ("Đóng yêu cầu", "Close the request"), "cy_closed": ("Đã đóng yêu cầu.", "Request closed."),
    "cy_ask": ("Yêu cầu giải trình (gửi chuyên viên của địa phương)",
               "Explanation request (to the locality's analysts)"),
    "cy_ask_due": ("Hạn trả lời", "Answer by"),
    "cy_btn_ask": ("Gửi yêu cầu giải trình", "Send the explanation request"),
    "cy_asked": ("Đã gửi yêu cầu giải trình.", "Explanation request sent."),
    "cy_inbox": ("Bạn có {n} yêu cầu giải trình đang chờ trả lời: {items}. Trả lời trong mục “Vì sao” của chỉ tiêu "
                 "(trang Địa phương).", "You have {n} explanation requests waiting for an answer: {items}. Answer "
                 "them in the target's “why” panel (Locality page)."),
    "cy_leader_note": ("{n} trên {total} địa phương bạn phụ trách chưa có đủ số liệu {period} ({left}); danh sách ở "
                       "trang Kỳ báo cáo.", "{n} of {total} localities you lead lack figures for {period} ({left}); "
                       "the list is on the Reporting cycle page."),
    # Overview
    "overview_caption": ("Năm {year}, tính đến kỳ {period}: {n} chỉ tiêu của {m} địa phương.",
                         "{year}, as of {period}: {n} targets of {m} localities."),
    "kpi_met": ("Đạt / vượt", "Met / exceeded"),
    "kpi_on_track": ("Đúng tiến độ", "On track"),
    "kpi_behind": ("Chưa đạt / có nguy cơ", "Not met / at risk"),
    "kpi_no_data": ("Chưa có số liệu", "No data yet"),
    "kpi_no_data_help": ("{share} trong {total} chỉ tiêu; gồm cả chỉ tiêu chưa đánh giá được và chỉ tiêu chờ cấp trên "
                         "giao số.", "{share} of {total} targets; includes targets that cannot be judged yet and "
                         "those waiting for an assigned figure."),
    "share_of_targets": ("{share} trong {total} chỉ tiêu", "{share} of {total} targets"),
    "by_locality": ("Theo địa phương", "By locality"),
    "by_category": ("Theo lĩnh vực", "By area"),
    "most_behind": ("Các chỉ tiêu chậm nhất", "Targets most behind"),
    "none_behind": ("Không có chỉ tiêu nào chưa đạt hoặc có nguy cơ ở kỳ này.",
                    "No target is behind or at risk for this period."),
    "chart_status_by": ("Số chỉ tiêu theo trạng thái, {what}", "Targets by status, {what}"),
    "n_targets": ("Số chỉ tiêu", "Number of targets"),
    "top_n_note": ("Hiển thị {n} địa phương có nhiều chỉ tiêu chưa đạt nhất trong {total}; tìm một địa phương "
                   "ở trang Địa phương.", "Showing the {n} localities with most targets behind, of {total}; "
                   "find any locality on the Locality page."),
    # Locality
    "locality": ("Địa phương", "Locality"),
    "locality_caption": ("{name} · năm {year}, tính đến kỳ {period} · {n} chỉ tiêu",
                         "{name} · {year}, as of {period} · {n} targets"),
    "search_locality": ("Tìm địa phương", "Search locality"),
    "no_targets_locality": ("{name} chưa có chỉ tiêu nào trong năm {year}.", "{name} has no target for {year}."),
    "bullet_title": ("{name} — mức hoàn thành so với chỉ tiêu năm {year} (%; 100% = đúng chỉ tiêu)",
                     "{name} — achievement against the {year} targets (%; 100% = on target)"),
    "bullet_help": ("Thanh: % hoàn thành (màu, biểu tượng và chữ cho biết trạng thái); vạch đứt: đúng chỉ tiêu (100%); "
                    "khung: khoảng chỉ tiêu khi kế hoạch đặt một khoảng (từ … đến …). Thanh dài quá 150% được cắt, "
                    "số ghi bên cạnh là số thật. Thanh gạch chéo và dấu ◇: số minh họa, không phải số công bố.",
                    "Bar: % of target achieved (colour, icon and word give the status); dashed line: exactly on "
                    "target (100%); box: the target range when the plan sets one (from … to …). Bars beyond 150% "
                    "are cut; the label keeps the real figure. Hatched bar and ◇: an illustrative figure, not a published one."),
    "percent_axis": ("% hoàn thành chỉ tiêu", "% of target achieved"),
    "target_line": ("Chỉ tiêu (100%)", "Target (100%)"),
    "details": ("Chi tiết từng chỉ tiêu (bấm để xem vì sao)", "Every target (open one to see why)"),
    "why": ("Vì sao?", "Why?"),
    "plan_sentence": ("Câu trong kế hoạch", "Plan sentence"),
    "actual": ("Thực hiện", "Actual"),
    "target": ("Mức chỉ tiêu", "Target"),
    "status": ("Trạng thái", "Status"),
    "percent": ("% hoàn thành", "% achieved"),
    "period": ("Kỳ", "Period"),
    "standing": ("Mức độ", "Standing"),
    "rule": ("Cách đánh giá", "How it is judged"),
    "source": ("Nguồn", "Source"),
    "illustrative": ("Số liệu minh họa (không phải số thật)", "Illustrative figure (not a real report)"),
    "conflict": ("Có {n} số khác nhau được báo cáo cho cùng kỳ: xem lịch sử.",
                 "{n} different figures were reported for this period: see the history."),
    "history": ("Lịch sử số liệu", "History of figures"),
    "indicator": ("Tên chỉ tiêu", "Indicator"),
    "scope": ("Phạm vi", "Scope"),
    "unit": ("Đơn vị", "Unit"),
    "category": ("Lĩnh vực", "Area"),
    "no_category": ("Khác / chưa phân loại", "Other / unmapped"),
    "status_filter": ("Lọc theo trạng thái", "Filter by status"),
    # Compare
    "indicators": ("Chỉ tiêu", "Indicators"),
    "localities": ("Địa phương", "Localities"),
    "compare_pick": ("Chọn ít nhất một chỉ tiêu và hai địa phương để so sánh.",
                     "Choose at least one indicator and two localities to compare."),
    "heatmap_title": ("Trạng thái theo địa phương và chỉ tiêu (ô: biểu tượng và % hoàn thành)",
                      "Status by locality and indicator (cell: icon and % achieved)"),
    "ranking_title": ("Xếp hạng: {name} (% hoàn thành chỉ tiêu)", "Ranking: {name} (% of target achieved)"),
    "side_by_side": ("Chỉ tiêu và thực hiện cạnh nhau", "Targets and actuals side by side"),
    "not_comparable": ("Không so sánh trực tiếp được {name}: {why}. Chỉ so % hoàn thành, không so số tuyệt đối.",
                       "{name} is not directly comparable: {why}. Compare % achieved, not raw figures."),
    "diff_unit": ("đơn vị khác nhau ({v})", "different units ({v})"),
    "diff_scope": ("phạm vi khác nhau ({v})", "different scopes ({v})"),
    "diff_period": ("số liệu của các kỳ khác nhau ({v})", "figures from different periods ({v})"),
    "diff_comparator": ("cách đặt chỉ tiêu khác nhau ({v})", "targets set differently ({v})"),
    "rank_indicator": ("Chỉ tiêu để xếp hạng", "Indicator to rank"),
    "no_targets_selection": ("Các địa phương đã chọn không có chỉ tiêu này trong năm {year}.",
                             "The chosen localities have no such target in {year}."),
    # Indicator
    "pick_indicator": ("Chọn chỉ tiêu", "Choose an indicator"),
    "timeline_title": ("{name} qua các năm ({unit}): chỉ tiêu (nét đứt) và thực hiện (nét liền)",
                       "{name} over the years ({unit}): target (dashed) and actual (solid)"),
    "no_indicator_data": ("Chỉ tiêu này chưa có trong kế hoạch nào.", "No plan has this indicator yet."),
    "units_excluded": ("Biểu đồ chỉ vẽ các chỉ tiêu tính bằng {unit}; các dòng tính bằng {others} chỉ có trong "
                       "bảng (đơn vị khác nhau, không vẽ chung một trục).",
                       "The chart shows the targets in {unit} only; rows in {others} are in the table (different "
                       "units are never drawn on one axis)."),
    "top_localities": ("Tối đa {n} địa phương (nhiều dữ liệu nhất); chọn thêm ở ô bên trên.",
                       "At most {n} localities (most data first); pick others above."),
    # Plans
    "upload_plan": ("Tải lên kế hoạch (.txt, .docx, .pdf)", "Upload a plan (.txt, .docx, .pdf)"),
    "extracted": ("Đã đọc {n} chỉ tiêu. Kiểm tra, sửa, rồi bấm Lưu.", "{n} targets read. Check, fix, then Save."),
    "override_locality": ("Địa phương (sửa nếu đọc sai)", "Locality (fix if misread)"),
    "override_year": ("Năm kế hoạch", "Plan year"),
    "keep": ("Giữ", "Keep"),
    "save_plan": ("Lưu kế hoạch", "Save plan"),
    "saved_plan": ("Đã lưu kế hoạch {plan}: {n} chỉ tiêu.", "Plan {plan} saved: {n} targets."),
    "stored_plans": ("Các kế hoạch đã lưu", "Stored plans"),
    "no_right": ("Bạn không có quyền lưu kế hoạch cho {name}.", "You may not store plans for {name}."),
    "catalogue": ("Danh mục chỉ tiêu", "Indicator catalogue"),
    "no_plans": ("Chưa có kế hoạch nào. Tải một tệp lên ở trên.", "No plan yet. Upload a file above."),
    "extract_missing": ("Bộ đọc kế hoạch chưa sẵn sàng trên máy này.", "The plan reader is not available here."),
    "unmapped_hint": ("Dòng 'unmapped' là chỉ tiêu chưa có trong danh mục: chọn mã ở cột Chỉ tiêu nếu có.",
                      "'unmapped' rows are not in the catalogue: pick a code in the Indicator column if one fits."),
    "locality_unresolved": ("Chưa xác định được địa phương: {name}", "Locality not settled: {name}"),
    # Actuals
    "template": ("1. Tải mẫu nhập liệu", "1. Download the template"),
    "template_btn": ("Tải mẫu Excel", "Download Excel template"),
    "upload_actuals": ("2. Tải lên tệp đã điền", "2. Upload the filled file"),
    "dry_run": ("3. Xem trước (chưa ghi gì)", "3. Preview (nothing written yet)"),
    "confirm": ("Xác nhận ghi", "Confirm and store"),
    "confirmed": ("Đã ghi {n} dòng (lần tải lên số {id}).", "{n} rows stored (upload #{id})."),
    "blocked": ("Có lỗi: chưa ghi gì. Sửa tệp rồi tải lại.", "There are errors: nothing stored. Fix the file and upload again."),
    "uploads": ("Lịch sử tải lên", "Upload history"),
    "undo": ("Hoàn tác lần tải lên", "Undo upload"),
    "undone": ("Đã hoàn tác lần tải lên số {id}.", "Upload #{id} undone."),
    "no_right_undo": ("Không hoàn tác được: lần tải lên này có số liệu của {n} địa phương bạn không phụ trách.",
                      "Cannot undo: this upload holds figures of {n} localities you are not assigned to."),
    "no_uploads": ("Chưa có lần tải lên nào.", "No upload yet."),
    "actuals_missing": ("Chức năng nhập số liệu chưa sẵn sàng trên máy này.", "Actuals entry is not available here."),
    "no_targets_for_template": ("Chưa có chỉ tiêu nào để lập mẫu: hãy lưu một kế hoạch trước.",
                                "No target to build a template from: store a plan first."),
    "col_sheet": ("Trang", "Sheet"), "col_row": ("Dòng", "Row"), "col_value": ("Giá trị", "Value"),
    "col_verdict": ("Đánh giá", "Verdict"), "col_outcome": ("Kết quả kiểm tra", "Check"),
    "col_change": ("Thay đổi", "Change"), "col_previous_value": ("Số cũ", "Previous value"),
    "col_previous_standing": ("Mức độ số cũ", "Previous standing"), "col_why": ("Lý do", "Why"),
    "col_upload_id": ("Số", "No."), "col_file_name": ("Tệp", "File"), "col_uploader": ("Người tải", "Uploaded by"),
    "col_uploaded_at": ("Thời điểm", "Time"), "col_rows_accepted": ("Dòng nhận", "Rows accepted"),
    "col_rows_rejected": ("Dòng loại", "Rows rejected"), "col_undone_at": ("Hoàn tác lúc", "Undone at"),
    "col_sample": ("Dữ liệu mẫu", "Sample data"),
    "table_cut": ("Bảng chỉ hiện {n} dòng đầu trong {total}: dùng bộ lọc để thu hẹp.",
                  "The table shows the first {n} of {total} rows: use the filters to narrow it."),
    "col_indicator_label": ("Tên trong kế hoạch", "Name in the plan"), "col_comparator": ("So sánh", "Comparator"),
    "col_value_high": ("Cận trên", "Upper bound"), "col_note": ("Ghi chú", "Note"), "col_plan_key": ("Kế hoạch", "Plan"),
    "col_province": ("Tỉnh", "Province"), "col_targets": ("Số chỉ tiêu", "Targets"),
    "col_loaded_at": ("Nạp lúc", "Loaded at"),
    "col_count_rows": ("Số dòng", "rows"), "col_count_ok": ("hợp lệ", "ok"), "col_count_warning": ("cảnh báo", "warnings"),
    "col_count_error": ("lỗi", "errors"), "col_count_new": ("mới", "new"), "col_count_same": ("không đổi", "unchanged"),
    "col_count_revision": ("điều chỉnh", "revisions"), "col_count_supersede": ("thay số cũ", "supersede"),
    "read_only": ("Bạn chỉ có quyền xem.", "You have read-only access."),
    "related_title": ("Đơn vị liên quan", "Related units"),
    "cat_code": ("Mã", "Code"), "cat_name_vi": ("Tên (tiếng Việt)", "Name (Vietnamese)"),
    "cat_name_en": ("Tên (tiếng Anh)", "Name (English)"), "cat_unit": ("Đơn vị", "Unit"),
    "cat_direction": ("Chiều tốt", "Better when"), "cat_category": ("Lĩnh vực", "Area"),
    "cat_kind": ("Loại (lũy kế/mức)", "Kind (flow/level)"), "cat_measured": ("Đo", "Measured"),
    "cat_tolerance": ("Dung sai", "Tolerance"), "cat_aliases": ("Tên gọi khác", "Other names"),
    # the catalogue's coded values in words (catalogue_view): direction, kind, measured
    "cat_v_higher_is_better": ("càng cao càng tốt", "higher"), "cat_v_lower_is_better": ("càng thấp càng tốt", "lower"),
    "cat_v_target_band": ("trong khoảng chỉ tiêu", "within the target range"),
    "cat_v_flow": ("lũy kế", "flow"), "cat_v_level": ("mức", "level"),
    "cat_v_periodic": ("theo kỳ", "each period"), "cat_v_annual": ("chỉ cuối năm", "at year end only"),
    "related_child": ("Đơn vị trực thuộc có kế hoạch năm {year}", "Units under it with a {year} plan"),
    "related_predecessor": ("Đơn vị tiền thân (trước sắp xếp ngày 01/7/2025) — kế hoạch và số liệu của đơn vị cũ",
                            "Predecessor units (before the reform of 1 July 2025) — plans and figures of the former units"),
    "related_successor": ("Từ ngày 01/7/2025, địa bàn này thuộc", "Since 1 July 2025 this area belongs to"),
    "related_years": ("kế hoạch năm", "plans of"),
    "related_no_plan": ("chưa có kế hoạch", "no plan yet"),
    # Shared widgets and the demonstration figures
    "choose": ("Chọn…", "Choose…"),
    "choose_localities": ("Chọn ít nhất một địa phương ở ô bên trên.", "Choose at least one locality above."),
    "choose_many": ("Chọn một hoặc nhiều…", "Choose one or more…"),
    "demo_toggle": ("Hiện số liệu minh họa", "Show illustrative figures"),
    "demo_toggle_help": ("Số minh họa là số giả định để giới thiệu phần mềm, không phải số liệu công bố. Bỏ chọn để "
                         "chỉ xem số liệu công bố.", "Illustrative figures are made up to show what the product "
                         "does; they are not published figures. Untick to see published figures only."),
    "demo_banner": ("**Năm {year} có số liệu minh họa.** {n} trong {total} chỉ tiêu được đánh giá bằng số giả định "
                    "(ghi «◇ minh họa»), không phải số liệu công bố. Số liệu công bố thật được giữ riêng.",
                    "**{year} holds illustrative figures.** {n} of {total} targets are judged on made-up figures "
                    "(marked «◇ illustrative»), not published ones. Real published figures are kept apart."),
    "demo_off": ("Ẩn số minh họa", "Hide illustrative"),
    "demo_hidden": ("Đang ẩn số liệu minh họa: chỉ tính số liệu công bố.",
                    "Illustrative figures hidden: only published figures count."),
    "demo_on": ("Hiện lại số liệu minh họa", "Show illustrative figures again"),
    "illustrative_mark": ("◇ minh họa", "◇ illustrative"),
    "col_number": ("STT", "No."),
    "table_marks": ("◇: số minh họa, không phải số liệu công bố. Bấm tiêu đề cột để sắp xếp.",
                    "◇: an illustrative figure, not a published one. Click a column header to sort."),
    "counts_table": ("Số chỉ tiêu theo trạng thái (bảng)", "Targets by status (table)"),
    "group": ("Nhóm", "Group"),
    "total": ("Tổng", "Total"),
    "no_actuals_selection": ("Chưa có số liệu thực hiện của «{name}» ở các địa phương đã chọn trong năm {year}, nên "
                             "chưa xếp hạng được.", "No actual figure for «{name}» in the chosen localities in "
                             "{year} yet, so there is no ranking."),
    "no_targets_year": ("Các địa phương đã chọn không có chỉ tiêu nào trong số đã chọn ở năm {year}.",
                        "The chosen localities have none of the chosen targets in {year}."),
    "locs_without": ("Không có chỉ tiêu đã chọn trong năm {year} ở: {names}.",
                     "None of the chosen targets in {year} for: {names}."),
    "dry_run_done": ("3. Đã ghi vào cơ sở dữ liệu", "3. Stored"),
    "row_ref": ("Dòng {row}", "Row {row}"),
    "undo_ask": ("Hoàn tác lần tải lên số {id} («{file}», {n} dòng)? Các số liệu của lần đó sẽ thôi được dùng để "
                 "đánh giá (vẫn giữ trong lịch sử).", "Undo upload #{id} («{file}», {n} rows)? Its figures will no "
                 "longer be used (they stay in the history)."),
    "undo_yes": ("Có, hoàn tác", "Yes, undo it"),
    "undo_no": ("Thôi", "Cancel"),
    "undo_pick": ("Lần tải lên", "Upload"),
    "sample_reported": ("Số liệu mẫu: số liệu công bố", "Sample: published figures"),
    "sample_illustrative": ("Số liệu mẫu: số minh họa", "Sample: illustrative figures"),
    "yes": ("Có", "Yes"),
    "sample_uploader": ("(bộ dữ liệu mẫu)", "(bundled sample)"),
    "outcome_ok": ("Hợp lệ", "OK"), "outcome_warning": ("Cảnh báo", "Warning"), "outcome_error": ("Lỗi", "Error"),
    "change_new": ("Mới", "New"), "change_same": ("Không đổi", "Unchanged"),
    "change_revision": ("Điều chỉnh (số chính thức thay số ước tính)", "Revision (official replaces estimate)"),
    "change_supersede": ("Thay số cũ", "Replaces the stored figure"),
    "cmp_ge": ("≥", "≥"), "cmp_gt": (">", ">"), "cmp_le": ("≤", "≤"), "cmp_lt": ("<", "<"), "cmp_eq": ("=", "="),
    "cmp_between": ("trong khoảng", "a range"), "cmp_exceed_assigned": ("vượt chỉ tiêu giao", "exceed the assigned"),
    "cmp_qualitative": ("định tính", "qualitative"),
    # Notifications (issue 13; ui/inbox.py)
    "inbox_title": ("Thông báo: {n} chưa đọc", "Notifications: {n} unread"),
    "inbox_title_none": ("Thông báo", "Notifications"),
    "inbox_empty": ("Chưa có thông báo nào.", "No notifications yet."),
    "inbox_toast": ("Bạn có {n} thông báo chưa đọc (mục “Thông báo” ở thanh bên).",
                    "You have {n} unread notifications (“Notifications” in the sidebar)."),
    "inbox_unread": ("Chưa đọc", "Unread"),
    "inbox_mark": ("Đã đọc", "Mark read"),
    "inbox_mark_all": ("Đánh dấu tất cả đã đọc", "Mark all read"),
    "inbox_more": ("Còn {n} thông báo cũ hơn.", "{n} older notifications not shown."),
    "inbox_no_address": ("Thông báo được gửi cả qua thư điện tử, nhưng tài khoản này chưa có địa chỉ thư: "
                         "nhờ quản trị viên thêm.",
                         "Notifications also go by e-mail, but this account has no e-mail address: ask the "
                         "administrator to add one."),
    "inbox_mail_failed": ("{n} thư điện tử thông báo chưa gửi được trong 7 ngày qua: {why}. Chi tiết trong nhật ký "
                          "máy chủ; kiểm tra các thiết lập CHITIEU_SMTP_*.",
                          "{n} notification e-mails could not be sent in the last 7 days: {why}. Details in the "
                          "server log; check the CHITIEU_SMTP_* settings."),
}


def t(key: str, lang: str = "vi", **fmt) -> str:
    pair = STRINGS.get(key)
    if pair is None:
        return key
    s = pair[1] if lang == "en" else pair[0]
    return s.format(**fmt) if fmt else s


_COLUMN_KEYS = {"locality": "locality", "locality_name": "locality", "indicator": "indicator", "scope": "scope", "year": "year",
                "period": "period", "unit": "unit", "standing": "standing"}


AUDIT_ACTIONS: dict[str, tuple[str, str]] = {  # chitieu.store.audit.record's verbs, as the audit page shows them
    "plan.store": ("Lưu kế hoạch", "Plan stored"), "plan.replace": ("Thay kế hoạch", "Plan replaced"),
    "plan.restore": ("Khôi phục kế hoạch", "Plan restored"), "plan.delete": ("Xoá kế hoạch", "Plan deleted"),
    "actuals.upload": ("Tải lên số liệu", "Actuals uploaded"), "actuals.undo": ("Hoàn tác lần tải lên", "Upload undone"),
    "actual.edit": ("Sửa số liệu", "Figure edited"), "catalogue.edit": ("Sửa danh mục chỉ tiêu", "Catalogue edited"),
    "user.add": ("Thêm người dùng", "User added"), "user.password": ("Đổi mật khẩu", "Password changed"),
    "user.localities": ("Giao địa phương", "Localities assigned"), "user.role": ("Đổi vai trò", "Role changed"),
    "user.disable": ("Khoá tài khoản", "User disabled"), "user.enable": ("Mở lại tài khoản", "User enabled"),
    "user.email": ("Đặt địa chỉ thư điện tử", "E-mail address set"), "login.failed": ("Đăng nhập sai", "Failed login"),
    "setup.admin": ("Tạo quản trị viên đầu tiên", "First administrator created"),
    "cycle.submit": ("Gửi duyệt", "Submitted"), "cycle.approve": ("Duyệt và khoá", "Approved and locked"),
    "cycle.return": ("Trả lại", "Returned"), "cycle.unlock": ("Mở khoá", "Unlocked"),
    "cycle.deadline": ("Đặt lịch báo cáo", "Reporting dates set"),
    "explain.request": ("Yêu cầu giải trình", "Explanation requested"),
    "explain.answer": ("Trả lời giải trình", "Explanation answered"),
    "explain.close": ("Đóng yêu cầu giải trình", "Explanation request closed"),
    "notify.email_failed": ("Thư thông báo không gửi được", "Notification e-mail not sent"),
}
AUDIT_ENTITIES: dict[str, tuple[str, str]] = {
    "plan": ("kế hoạch", "plan"), "upload": ("lần tải lên", "upload"), "user": ("người dùng", "user"),
    "setup": ("thiết lập", "set-up"), "period": ("kỳ báo cáo", "period"), "notification": ("thông báo", "notification"),
    "explain_request": ("yêu cầu giải trình", "explanation request"), "catalogue": ("danh mục", "catalogue"),
    "target": ("chỉ tiêu", "target"), "actual": ("số liệu", "figure"),
}


# who did it, when no person did: the build command's default actor, the bundled sample's uploader
SYSTEM_ACTORS: dict[str, tuple[str, str]] = {
    "build": ("(lệnh nạp dữ liệu)", "(data build)"), "sample": ("(bộ dữ liệu mẫu)", "(bundled sample)"),
    "system": ("(hệ thống)", "(system)"),
}


def actor_label(name, lang: str = "vi") -> str:
    """A user name as it is; the names the software itself writes ("build", "sample", "system") in words."""
    pair = SYSTEM_ACTORS.get(name) if isinstance(name, str) else None
    return (name if isinstance(name, str) else "–") if pair is None else pair[1 if lang == "en" else 0]


def audit_action_label(action: str, lang: str = "vi") -> str:
    """An audit verb in words ("Lưu kế hoạch" for plan.store); an unknown one as it is stored."""
    pair = AUDIT_ACTIONS.get(action)
    return action if pair is None else pair[1 if lang == "en" else 0]


def audit_entity_label(entity: str, lang: str = "vi") -> str:
    pair = AUDIT_ENTITIES.get(entity)
    return entity if pair is None else pair[1 if lang == "en" else 0]


def catalogue_view(catalogue, lang: str = "vi"):
    """The catalogue as read on the Plans page: area, direction, kind and measure in words, not codes
    (the "Mã" column keeps the indicator's code: it is what the Excel template and the CLI use)."""
    view = catalogue.copy()
    for col in ("direction", "kind", "measured"):
        if col in view.columns:
            view[col] = [t(f"cat_v_{v}", lang) if f"cat_v_{v}" in STRINGS else v for v in view[col]]
    if "category" in view.columns:
        view["category"] = [category_label(c, lang) for c in view["category"]]
    return view


def role_label(role: str | None, lang: str = "vi") -> str:
    """A role as shown to people ("lãnh đạo" for `leader`); the code stays in the CLI and the audit data."""
    key = f"role_{role}"
    return t(key, lang) if key in STRINGS else str(role or "")


def column_label(col: str, lang: str = "vi") -> str:
    """Header for a data column (preview and upload tables): translated when known."""
    key = _COLUMN_KEYS.get(col, f"col_{col}")
    return t(key, lang) if key in STRINGS else col


def status_icon(status: str) -> str:
    return STATUS_INFO.get(status, {}).get("icon", "?")


def status_label(status: str, lang: str = "vi", icon: bool = True) -> str:
    info = STATUS_INFO.get(status)
    if info is None:
        return status
    label = info["en" if lang == "en" else "vi"]
    return f"{status_icon(status)} {label}" if icon else label


def status_color(status: str) -> str:
    return STATUS_INFO.get(status, {}).get("color", "#999999")


def category_label(code: str | None, lang: str = "vi") -> str:
    pair = CATEGORIES.get(code or "")
    if pair is None:
        return t("no_category", lang)
    return pair[1] if lang == "en" else pair[0]


def indicator_name(row, lang: str = "vi") -> str:
    """Indicator display name of a row/mapping with name_vi/name_en and scope."""
    name = (row["name_en"] if lang == "en" else row["name_vi"]) or row.get("indicator", "")
    scope = row.get("scope") or ""
    return f"{name} ({scope})" if scope else name

"""Chỉ tiêu: core domain logic (no Streamlit). See README.md."""

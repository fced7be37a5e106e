"""Loaders: read plan documents and spreadsheets and normalise them into the store.

Never imports streamlit (a test checks). Command line: `python -m loaders --help`.
"""

"""Streamlit glue (the only package besides app.py and pages/ allowed to import streamlit)."""

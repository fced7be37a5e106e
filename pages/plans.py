import streamlit as st
st.title("plans")

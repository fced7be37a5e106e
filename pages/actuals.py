import streamlit as st
st.title("actuals")

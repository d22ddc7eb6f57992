"""footcoach Streamlit app (UI only: calls vision and coach, renders). Placeholder until the
app issue lands; see README."""
import streamlit as st

st.set_page_config(page_title="footcoach", page_icon="👣")
st.title("footcoach")
st.write("Footprint assessment, exercise form checks and routines for children's feet.")

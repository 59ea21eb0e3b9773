"""Document type summary_vedomost (being written in this session)."""

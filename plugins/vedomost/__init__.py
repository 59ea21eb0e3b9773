"""Document type vedomost (being written in this session)."""

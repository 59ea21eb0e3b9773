"""Document type ktp (being written in this session)."""

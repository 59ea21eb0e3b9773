"""Document type explanatory_note (being written in this session)."""

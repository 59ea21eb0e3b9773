"""Document type semester_report (being written in this session)."""

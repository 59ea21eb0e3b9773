"""Backups that restore: one tar archive holding the database, every issued file and a manifest.

``archive`` writes and checks the tar format, ``database`` snapshots and restores each backend,
``retention`` names archives and keeps the monthly ones, ``service`` puts them together for
``cli`` (``docservice backup create | verify | restore``).
"""

"""Batch jobs: hundreds of documents at once — a period printed for the archive, one type
issued for every group of a period.

A job is planned once (``jobs.start``: every document a row with its number), then its
pending items are issued by an executor (``executors``: this process, a pool of processes
on this machine, or Celery workers on many) and the job's folder is assembled from them
(``archive``). Running the same job again finishes what is left.
"""

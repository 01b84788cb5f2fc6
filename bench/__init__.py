"""``make bench`` (``python -m bench``): throughput and latency of the storefront on PostgreSQL.

Modules: ``database`` (a dedicated database, migrated and seeded), ``servers`` (gunicorn processes),
``load`` (wrk or a small Python load generator), ``search`` (search latency in-process and over
HTTP), ``machine`` (what the figures were measured on), ``report`` (docs/benchmarks.md).
"""

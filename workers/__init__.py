"""Celery workers: thin task wrappers over domain services, one module per domain.

``celery -A workers worker`` and ``celery -A workers beat`` find the Celery app as ``workers.app``.
It is built on first access (``workers.celery_app`` calls ``create_app()``), so importing a task
module from a test or from shop code does not build an app from the environment.
"""


def __getattr__(name: str):
    if name == "app":
        from workers.celery_app import app

        return app
    raise AttributeError(f"module 'workers' has no attribute {name!r}")

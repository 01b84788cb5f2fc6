"""Celery bound to the Flask app (Flask's ``celery_init_app`` pattern) and the task conventions.

Every task runs inside an app context, so ``db.session()`` gives it a session of its own that the
context's teardown closes when the task ends.  Tasks are declared with ``idempotent_task``, which
states their delivery semantics: acknowledged late, put back when the worker dies, retried with
backoff, bounded in time.  A task can therefore run more than once and must take ids, re-load,
check state, then write.

The broker is ``SHOP_BROKER_URL``: by default kombu's ``filesystem://`` transport in
``BROKER_DIR`` (``instance/broker/{queue,processed,control}``), in production ``redis://…``.
Results are not stored; tasks record their effects in the database.
"""
from __future__ import annotations

import datetime as dt
import os
import time

import sqlalchemy.exc
from celery import Celery, Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from flask import Flask

from shop import db

#: Failures that are usually gone a little later: the database restarting or a lock timeout, a
#: refused or dropped connection, a task that ran past its soft time limit.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    ConnectionError,
    TimeoutError,
    SoftTimeLimitExceeded,
)


def idempotent_task(*, soft_time_limit: int, time_limit: int, max_retries: int = 5,
                    retry_for: tuple[type[BaseException], ...] = (), **options):
    """Declare a task with at-least-once delivery (use instead of ``@shared_task``).

    - ``acks_late`` and ``reject_on_worker_lost``: the message is acknowledged only after the body
      returns, and goes back to the queue when the worker process dies, so the body may run twice;
    - retried on ``TRANSIENT_ERRORS`` and ``retry_for`` up to ``max_retries`` times, after 2, 4, 8 …
      seconds (capped at 10 minutes) with full jitter, so retries of many tasks do not arrive
      together;
    - ``soft_time_limit`` raises ``SoftTimeLimitExceeded`` in the body (retried); ``time_limit``
      kills the process.
    """
    return shared_task(
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=TRANSIENT_ERRORS + tuple(retry_for),
        retry_backoff=2,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=max_retries,
        soft_time_limit=soft_time_limit,
        time_limit=time_limit,
        **options,
    )


def _broker_options(app: Flask) -> dict:
    url = app.config["BROKER_URL"]
    options: dict = {"broker_url": url, "broker_connection_timeout": 2}
    os.makedirs(app.config["BROKER_DIR"], exist_ok=True)  # beat keeps its schedule there too
    if url.startswith("filesystem://"):
        base = app.config["BROKER_DIR"]
        folders = {name: os.path.join(base, name) for name in ("queue", "processed", "control")}
        for path in folders.values():
            os.makedirs(path, exist_ok=True)
        options["broker_transport_options"] = {
            # One folder serves producers and consumers alike.
            "data_folder_in": folders["queue"],
            "data_folder_out": folders["queue"],
            # A consumer claims a message by renaming it into this folder; the rename is atomic only
            # on the same file system, which the system temp folder (kombu's default) may not be.
            "store_processed": True,
            "processed_folder": folders["processed"],
            "control_folder": folders["control"],
            "polling_interval": 0.2,
        }
    return options


def prune_broker_files(app: Flask, older_than: dt.timedelta) -> int:
    """Delete consumed filesystem-broker messages older than ``older_than``; returns how many."""
    if not app.config["BROKER_URL"].startswith("filesystem://"):
        return 0
    folder = os.path.join(app.config["BROKER_DIR"], "processed")
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for entry in os.scandir(folder):
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app of this Flask app, bind tasks to its context, and start the outbox relay."""
    from shop.outbox import relay
    from shop.outbox import services as outbox

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                result = self.run(*args, **kwargs)
                if self.request.get(relay.OUTBOX_HEADER):
                    with db.unit_of_work() as session:
                        outbox.record_task_finished(session, self.request.id)
                return result

        def on_retry(self, exc, task_id, args, kwargs, einfo):
            if self.request.get(relay.OUTBOX_HEADER):
                with app.app_context(), db.unit_of_work() as session:
                    outbox.record_task_retrying(session, task_id, f"{type(exc).__name__}: {exc}")

        def on_failure(self, exc, task_id, args, kwargs, einfo):
            # Reached when the body raised something not retried, or retries ran out.
            if self.request.get(relay.OUTBOX_HEADER):
                with app.app_context(), db.unit_of_work() as session:
                    outbox.record_task_finished(session, task_id, error=f"{type(exc).__name__}: {exc}")

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        _broker_options(app),
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        # Defaults for any task not declared through idempotent_task.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # A worker takes one message at a time, so a crash strands at most the one it is running.
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="UTC",
        enable_utc=True,
        beat_schedule_filename=os.path.join(app.config["BROKER_DIR"], "celerybeat-schedule"),
    )
    # Further Celery settings may come from the CELERY config dict (Flask's pattern), e.g. through
    # SHOP_CONFIG_JSON; transport options are merged with the ones derived above.
    extra = dict(app.config.get("CELERY") or {})
    if "broker_transport_options" in extra:
        extra["broker_transport_options"] = {**celery_app.conf.broker_transport_options,
                                             **extra["broker_transport_options"]}
    celery_app.conf.update(extra)
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    @worker_process_init.connect(weak=False)
    def _dispose_inherited_pool(**_kwargs):
        # A forked pool process must not reuse the parent's database connections.
        db.get_db(app).engine.dispose(close=False)

    relay.init_app(app)
    return celery_app

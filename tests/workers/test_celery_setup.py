"""How Celery is wired to the app, and the conventions every worker task must declare."""
from __future__ import annotations

import datetime as dt
import importlib
import os
import time
from pathlib import Path

from shop import create_app, db
from shop.celery import prune_broker_files

WORKERS = Path(__file__).resolve().parents[2] / "workers"


def test_every_worker_task_declares_its_delivery_semantics(app):
    # Given every task module under workers/
    for path in sorted(WORKERS.glob("*.py")):
        if path.stem not in ("__init__", "celery_app"):
            importlib.import_module(f"workers.{path.stem}")
    tasks = {name: t for name, t in app.extensions["celery"].tasks.items() if name.startswith("workers.")}
    assert {"workers.email.send_email_message", "workers.outbox.relay_outbox"} <= set(tasks)

    # Then each is acknowledged late, re-queued when its worker dies, bounded in time and in retries
    for name, task in tasks.items():
        assert task.acks_late and task.reject_on_worker_lost, name
        assert 0 < task.soft_time_limit < task.time_limit, name
        assert task.max_retries is not None, name


def test_the_embedded_broker_lives_in_the_broker_folder(app, tmp_path):
    test_app = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "t",
                           "BROKER_DIR": str(tmp_path / "broker")})
    try:
        conf = test_app.extensions["celery"].conf
        options = conf.broker_transport_options
        assert conf.broker_url == "filesystem://"
        assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "broker" / "queue")
        assert options["store_processed"] is True
        for folder in ("queue", "processed", "control"):
            assert (tmp_path / "broker" / folder).is_dir()
        assert conf.worker_prefetch_multiplier == 1
        assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.task_ignore_result
        assert conf.beat_schedule_filename == str(tmp_path / "broker" / "celerybeat-schedule")
    finally:
        db.get_db(test_app).engine.dispose()


def test_a_test_app_never_uses_the_instance_folders(app):
    assert not app.config["BROKER_DIR"].startswith(app.instance_path)
    assert not app.config["MAIL_OUTBOX_DIR"].startswith(app.instance_path)


def test_consumed_broker_messages_are_pruned_after_a_while(app, tmp_path):
    processed = Path(app.config["BROKER_DIR"]) / "processed"
    old, recent = processed / "1_old.celery.msg", processed / "2_recent.celery.msg"
    old.write_text("{}")
    recent.write_text("{}")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))

    assert prune_broker_files(app, dt.timedelta(days=1)) == 1
    assert not old.exists() and recent.exists()
    recent.unlink()

"""The worker entry point: ``celery -A workers worker`` / ``celery -A workers beat``.

The Flask app is built by ``create_app()`` from the ``SHOP_*`` environment, exactly as the web
server builds it, so tasks see the same database, broker and mail settings.  Task modules are listed
in ``TASK_MODULES`` and periodic tasks in ``beat_schedule`` below.
"""
from shop import create_app

flask_app = create_app()
app = flask_app.extensions["celery"]

#: Modules whose tasks the worker registers (add ``workers/<domain>.py`` here).
TASK_MODULES = [
    "workers.outbox",
    "workers.email",
    "workers.payments",
    "workers.orders",
    "workers.accounts",
]
app.conf.imports = TASK_MODULES

_relay_every = flask_app.config["OUTBOX_RELAY_INTERVAL"]
app.conf.beat_schedule = {
    # Publishes outbox rows the after-commit publisher could not (broker down, process died) and
    # re-sends tasks that never finished.  A run that waited longer than one interval is dropped.
    "relay-outbox": {
        "task": "workers.outbox.relay_outbox",
        "schedule": _relay_every,
        "options": {"expires": _relay_every},
    },
    "prune-outbox": {
        "task": "workers.outbox.prune_outbox",
        "schedule": 3600,
        "options": {"expires": 600},
    },
    # Cancels unpaid orders whose stock reservation ran out and returns their stock.
    "release-expired-reservations": {
        "task": "workers.orders.release_expired_reservations",
        "schedule": 60,
        "options": {"expires": 60},
    },
    # Forgets login-throttle counters whose window has ended.
    "purge-login-throttles": {
        "task": "workers.accounts.purge_login_throttles",
        "schedule": 3600,
        "options": {"expires": 600},
    },
    # Re-drives webhook events, refunds and confirmation emails that got stuck.
    "reconcile": {
        "task": "workers.orders.reconcile",
        "schedule": 180,
        "options": {"expires": 180},
    },
}

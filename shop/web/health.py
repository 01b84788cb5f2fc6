from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from shop import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and `make run`."""
    try:
        db.session().execute(sa.text("SELECT 1"))
        database = {"status": "ok", "backend": db.get_db().engine.dialect.name}
        ok = True
    except Exception as exc:  # noqa: BLE001 - report any database failure as unhealthy
        database = {"status": "error", "error": type(exc).__name__}
        ok = False
    return jsonify({"status": "ok" if ok else "error", "database": database}), 200 if ok else 503

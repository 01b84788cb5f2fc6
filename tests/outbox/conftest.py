"""Fixtures for the outbox tests: the app's filesystem broker queue, read back message by message."""
from __future__ import annotations

import base64
import json
import os
import shutil

import pytest


class QueueFolder:
    """The messages waiting in a filesystem-broker queue folder, as Celery wrote them."""

    def __init__(self, path: str):
        self.path = path

    def clear(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        os.makedirs(self.path, exist_ok=True)

    def messages(self) -> list[dict]:
        found = []
        for name in sorted(os.listdir(self.path)):
            with open(os.path.join(self.path, name)) as fh:
                raw = json.load(fh)
            args, kwargs, _embed = json.loads(base64.b64decode(raw["body"]))
            found.append({"task": raw["headers"]["task"], "id": raw["headers"]["id"],
                          "headers": raw["headers"], "kwargs": kwargs})
        return found


@pytest.fixture
def broker_queue(app):
    """The session app's broker queue, emptied for this test."""
    queue = QueueFolder(os.path.join(app.config["BROKER_DIR"], "queue"))
    queue.clear()
    return queue

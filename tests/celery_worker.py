"""A real Celery worker in a subprocess, for tests of task delivery end to end.

The worker reads the test database pytest-django created, takes tasks from a private
queue on a Redis database of its own (so no other worker on the machine steals them) and
writes its e-mail to files. Tasks reach it through ``CeleryWorker.send``; nothing runs
eagerly. Make the fixture available with ``from tests.celery_worker import
celery_worker_process  # noqa: F401`` in a conftest, and mark the tests ``worker``.
"""

from __future__ import annotations

import email
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urlparse
from uuid import uuid4

import pytest
from celery import Task
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from peersupport import celery_app

from .services import require_postgres, require_redis

BROKER_REDIS_DB = 15
READY_TIMEOUT = 60
TASK_TIMEOUT = 30
STOP_TIMEOUT = 20
# Django's file-based e-mail backend ends every message with a line of 79 dashes.
MESSAGE_SEPARATOR = re.compile(rb"^-{79}$\n?", re.MULTILINE)


@dataclass
class CeleryWorker:
    queue: str
    mail_dir: Path
    broker_url: str
    process: subprocess.Popen
    _lines: list[str] = field(default_factory=list)
    _output: threading.Condition = field(default_factory=threading.Condition)
    _output_ended: bool = False

    def send(self, task: Task, *args, **kwargs) -> AsyncResult:
        """Publish ``task`` to this worker's queue.

        The connection is given explicitly: the app caches its producer pool on first
        use, so changing ``broker_url`` in this process would not reliably take effect.
        """
        with celery_app.connection_for_write(self.broker_url) as broker:
            return task.apply_async(args, kwargs, queue=self.queue, connection=broker)

    def wait_for_task(self, result: AsyncResult, timeout: float = TASK_TIMEOUT) -> None:
        """Wait until the worker has run the task; fail unless it succeeded."""
        line = self._wait_for_line(
            lambda line: f"[{result.id}] succeeded" in line or f"[{result.id}] raised" in line,
            timeout,
        )
        if line is None and self._output_ended:
            pytest.fail(f"The worker exited before finishing task {result.id}.")
        if line is None:
            pytest.fail(f"The worker did not finish task {result.id} within {timeout} s.")
        if "succeeded" not in line:
            pytest.fail(f"Task {result.id} failed in the worker: {line}")

    def sent_mail(self) -> list[Message]:
        """Every message the worker has written to its mail directory."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for raw in MESSAGE_SEPARATOR.split(path.read_bytes()):
                if raw.strip():
                    messages.append(email.message_from_bytes(raw))
        return messages

    @property
    def log(self) -> str:
        with self._output:
            return "".join(self._lines)

    def _read_output(self) -> None:
        for line in self.process.stdout:
            with self._output:
                self._lines.append(line)
                self._output.notify_all()
        with self._output:
            self._output_ended = True
            self._output.notify_all()

    def _wait_for_line(self, matches, timeout: float) -> str | None:
        def found():
            return next((line for line in self._lines if matches(line)), None)

        with self._output:
            self._output.wait_for(lambda: found() is not None or self._output_ended, timeout)
            return found()

    def start(self) -> None:
        threading.Thread(target=self._read_output, daemon=True).start()
        ready = self._wait_for_line(
            lambda line: f"{self.queue}@" in line and " ready." in line, READY_TIMEOUT
        )
        if ready is None:
            if self._output_ended:
                pytest.fail(f"The Celery worker exited with status {self.process.wait()}.")
            pytest.fail(f"The Celery worker did not become ready within {READY_TIMEOUT} s.")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._delete_queue()

    def _delete_queue(self) -> None:
        """Remove the queue and its binding from Redis (declared first, so the channel
        knows the binding it has to remove)."""
        queue = Queue(self.queue, Exchange(self.queue), routing_key=self.queue)
        with celery_app.connection_for_write(self.broker_url) as broker:
            bound = queue(broker.default_channel)
            bound.declare()
            bound.delete()


def _test_database_url() -> str:
    """The URL of the database this test runs against (pytest-django's test database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _worker_environment(*, redis_url: str, broker_url: str, mail_dir: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"EMAIL_URL", "CELERY_TASK_DEFAULT_QUEUE"}
    }
    environment.update(
        DATABASE_URL=_test_database_url(),
        # Closes its connection after each task, so the test database can be flushed
        # and dropped.
        DJANGO_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=broker_url,
        EMAIL_FILE_PATH=str(mail_dir),
        NOTIFICATIONS_DISPATCH_ON_SCHEDULE="false",
        PYTHONUNBUFFERED="1",
    )
    return environment


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A running Celery worker (solo pool) on a private queue; stopped after the test.

    Its output is printed at teardown, so pytest shows it when the test fails.
    """
    require_postgres()
    redis_url = require_redis()
    broker_url = urlparse(redis_url)._replace(path=f"/{BROKER_REDIS_DB}").geturl()
    queue = f"test-{uuid4().hex}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "peersupport",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=settings.BASE_DIR,
        env=_worker_environment(redis_url=redis_url, broker_url=broker_url, mail_dir=mail_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = CeleryWorker(queue=queue, mail_dir=mail_dir, broker_url=broker_url, process=process)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        print(f"--- Celery worker log ({queue}) ---\n{worker.log}")

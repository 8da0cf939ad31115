"""Real Celery workers for the benchmarks that go through the worker (``bench/reports.py``,
``bench/reminders.py``): separate processes started as ``celery -A peersupport worker``
would be, on a private queue so no other worker on the machine takes their tasks, reading
the database of ``DATABASE_URL`` and writing their e-mail as files into a directory.

``Django`` must be set up in the calling process (``bench.worker.setup_django()``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 120
STOP_TIMEOUT = 30
# Django's file-based e-mail backend ends every message with a line of 79 dashes.
MESSAGE_SEPARATOR = re.compile(rb"^-{79}$\n?", re.MULTILINE)


def setup_django() -> None:
    """Set Django up in this process unless the caller (``bench/run.py``) already has."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def machine_load() -> str:
    """The load average beside the cores, for a figure's note: the machine may be shared."""
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def private_queue(prefix: str) -> str:
    return f"bench-{prefix}-{uuid4().hex[:12]}"


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    _output: threading.Condition = field(default_factory=threading.Condition)
    _ended: bool = False

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._output:
                self.lines.append(line)
                self._output.notify_all()
        with self._output:
            self._ended = True
            self._output.notify_all()

    def wait_for(self, matches: Callable[[str], bool], timeout: float) -> str | None:
        """The first line of the worker's output that ``matches``, waiting up to ``timeout``."""

        def found():
            return next((line for line in self.lines if matches(line)), None)

        with self._output:
            self._output.wait_for(lambda: found() is not None or self._ended, timeout)
            return found()

    @property
    def log(self) -> str:
        with self._output:
            return "".join(self.lines)


def worker_environment(*, queue: str, mail_dir: Path) -> dict[str, str]:
    """This process's environment, with the queue, the mail directory and what a
    production worker runs with (``DEBUG`` off)."""
    environment = {name: value for name, value in os.environ.items() if name != "EMAIL_URL"}
    environment.update(
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_FILE_PATH=str(mail_dir),
        DJANGO_DEBUG="false",
        # Nothing the workers do schedules more dispatch tasks: the benchmark queues them.
        NOTIFICATIONS_DISPATCH_ON_SCHEDULE="false",
        PYTHONUNBUFFERED="1",
    )
    return environment


@contextmanager
def running_workers(
    *, count: int, queue: str, mail_dir: Path, entry: list[str] | None = None
) -> Iterator[list[Worker]]:
    """``count`` worker processes (solo pool, one task at a time each) on ``queue``, ready
    to take tasks; stopped, and the queue deleted, on leaving. ``entry`` replaces
    ``python -m celery`` (a wrapper that starts the same worker, e.g. with timers)."""
    entry = entry or [sys.executable, "-m", "celery"]
    environment = worker_environment(queue=queue, mail_dir=mail_dir)
    workers = []
    try:
        for number in range(count):
            name = f"{queue}-{number}"
            process = subprocess.Popen(  # noqa: S603 - our own command line, no input
                [
                    *entry,
                    "-A",
                    "peersupport",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "-Q",
                    queue,
                    "-n",
                    f"{name}@%h",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "info",
                ],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            worker = Worker(name=name, process=process)
            threading.Thread(target=worker._read, daemon=True).start()
            workers.append(worker)
        for worker in workers:
            ready = worker.wait_for(
                lambda line, name=worker.name: f"{name}@" in line and " ready." in line,
                READY_TIMEOUT,
            )
            if ready is None:
                raise RuntimeError(f"Worker {worker.name} did not start:\n{worker.log[-3000:]}")
        yield workers
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in workers:
            try:
                worker.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
        delete_queue(queue)


def send(task, *args, queue: str, **kwargs) -> None:
    """Publish ``task`` to ``queue``."""
    from peersupport import celery_app

    with celery_app.connection_for_write() as broker:
        task.apply_async(args, kwargs, queue=queue, connection=broker)


@contextmanager
def default_queue(queue: str) -> Iterator[None]:
    """Tasks this process queues with ``delay()`` (as an action queues them after its
    commit) go to ``queue`` while inside."""
    from peersupport import celery_app

    before = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield
    finally:
        celery_app.conf.task_default_queue = before


def delete_queue(queue: str) -> None:
    """Remove the queue, its binding and any task left in it from the broker."""
    from kombu import Exchange, Queue

    from peersupport import celery_app

    declared = Queue(queue, Exchange(queue), routing_key=queue)
    with celery_app.connection_for_write() as broker:
        bound = declared(broker.default_channel)
        bound.declare()
        bound.purge()
        bound.delete()


def mail_messages(mail_dir: Path) -> list[bytes]:
    """Every message the workers handed to the file e-mail backend, raw."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        messages.extend(raw for raw in MESSAGE_SEPARATOR.split(path.read_bytes()) if raw.strip())
    return messages


def poll(condition: Callable[[], bool], *, timeout: float, interval: float = 0.05) -> bool:
    """Whether ``condition`` became true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()

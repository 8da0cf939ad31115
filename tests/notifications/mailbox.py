"""An e-mail backend for outbox tests: it records what was delivered and can misbehave.

It stands in for the SMTP server, the edge of the world. Several dispatcher threads may
send through it at once, so everything it records is guarded by one lock.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

BACKEND_PATH = "tests.notifications.mailbox.RecordingBackend"
RENDEZVOUS_TIMEOUT = 10


class Mailbox:
    """The messages delivered while a test runs, and how delivery should behave.

    ``problem(attempt, message)`` may return an exception to raise instead of delivering
    (``attempt`` counts every delivery attempt from 1). ``delay`` is how long each delivery
    takes, in seconds. With ``rendezvous_of(n)`` each of ``n`` threads holds its first
    message until all ``n`` are in the middle of sending one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads_met: set[int] = set()
        self._rendezvous: threading.Barrier | None = None
        self.attempts = 0
        self.messages: list[EmailMessage] = []
        self.delay = 0.0
        self.problem: Callable[[int, EmailMessage], BaseException | None] = lambda *_: None

    def rendezvous_of(self, parties: int) -> None:
        self._rendezvous = threading.Barrier(parties, timeout=RENDEZVOUS_TIMEOUT)

    def deliver(self, message: EmailMessage) -> None:
        with self._lock:
            self.attempts += 1
            attempt = self.attempts
            first_in_thread = threading.get_ident() not in self._threads_met
            self._threads_met.add(threading.get_ident())
        error = self.problem(attempt, message)
        if error is not None:
            raise error
        if self._rendezvous is not None and first_in_thread:
            self._rendezvous.wait()
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.messages.append(message)

    def recipients(self) -> Counter[str]:
        """How many messages each address received."""
        with self._lock:
            return Counter(address for message in self.messages for address in message.to)


class RecordingBackend(BaseEmailBackend):
    mailbox: Mailbox | None = None

    def send_messages(self, email_messages):
        if self.mailbox is None:
            raise RuntimeError("Use the mailbox fixture to send e-mail through this backend.")
        for message in email_messages:
            self.mailbox.deliver(message)
        return len(email_messages)

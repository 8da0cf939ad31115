"""10,000 due reminders dispatched by two workers at once: the time to drain the outbox and
the duplicates.

The reminders are real supervision reminders (``supervision_reminder``: a peer supporter
with an account, about a supervision session they are expected at), put into the outbox in
bulk, all due. Two real Celery worker processes on a private queue take the dispatch task
(``dispatch_notifications``, beat's task): as many at once as it takes to send them all,
twice over, so both workers dispatch side by side for the whole run, as beat's minute and
a burst of immediate notifications would have them. The time runs from queueing the tasks
to the moment no due reminder is left unsent.

Duplicates are counted from what the workers handed to the mail backend (Django's file
backend, one directory): the messages written, less the reminders marked sent; and,
checked apart, the messages per (recipient, subject line) beyond the reminders sent with
that pair. The reminders are deleted afterwards.
"""

from __future__ import annotations

import email
import math
import sys
import tempfile
import time
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path
from uuid import uuid4

try:
    from bench.figures import Figure, at_most
    from bench.worker import (
        machine_load,
        mail_messages,
        poll,
        private_queue,
        running_workers,
        send,
        setup_django,
    )
except ImportError:  # run as a script: python bench/reminders.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.figures import Figure, at_most
    from bench.worker import (
        machine_load,
        mail_messages,
        poll,
        private_queue,
        running_workers,
        send,
        setup_django,
    )

FULL_COUNT = 10_000
SMOKE_COUNT = 50
WORKERS = 2
DRAIN_LIMIT = 60.0
TIMEOUT = 600
# The dispatcher's batch (``dispatch_due_notifications``' default limit).
BATCH = 500
KIND = "supervision_reminder"


def create_reminders(count: int, marker: str) -> int:
    """``count`` due supervision reminders in the outbox, for peer supporters expected at
    sessions (a pair used again with another occurrence when there are fewer pairs)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from peersupport.notifications.models import Notification
    from supervision.models import SessionAttendance, SupervisionSession

    pairs = list(
        SessionAttendance.objects.filter(
            participant__user__isnull=False, participant__user__is_active=True
        )
        .order_by("-session__starts_at", "pk")
        .values_list("participant__user_id", "session_id")[:count]
    )
    if not pairs:
        raise RuntimeError("No peer supporter with an account is expected at any session.")
    session_type = ContentType.objects.get_for_model(SupervisionSession)
    due_at = timezone.now() - timezone.timedelta(minutes=1)
    Notification.objects.bulk_create(
        (
            Notification(
                recipient_id=pairs[index % len(pairs)][0],
                kind=KIND,
                subject_type=session_type,
                subject_id=pairs[index % len(pairs)][1],
                occurrence=f"{marker}-{index}",
                due_at=due_at,
            )
            for index in range(count)
        ),
        batch_size=2000,
    )
    return len(pairs)


def _succeeded(workers) -> list[int]:
    """The number each finished dispatch task returned (the messages it sent)."""
    sent = []
    for worker in workers:
        for line in list(worker.lines):
            if "dispatch_notifications[" in line and "succeeded in" in line:
                sent.append(int(line.rsplit(":", 1)[1].strip()))
    return sent


def measure(*, smoke: bool) -> list[Figure]:
    setup_django()
    from django.conf import settings

    from peersupport.notifications.models import Notification
    from peersupport.notifications.tasks import dispatch_notifications

    count = SMOKE_COUNT if smoke else FULL_COUNT
    marker = f"bench-{uuid4().hex[:8]}"
    ours = Notification.objects.filter(kind=KIND, occurrence__startswith=f"{marker}-")
    others_due = Notification.objects.due().count()
    queue = private_queue("reminders")
    try:
        pairs = create_reminders(count, marker)
        with tempfile.TemporaryDirectory(prefix="bench-reminders-") as mail_dir:
            with running_workers(count=WORKERS, queue=queue, mail_dir=Path(mail_dir)) as workers:
                tasks = 2 * max(WORKERS, math.ceil(count / BATCH))
                started = time.perf_counter()
                for _task in range(tasks):
                    send(dispatch_notifications, queue=queue)
                while not poll(lambda: not ours.due().exists(), timeout=5):
                    if time.perf_counter() - started > TIMEOUT:
                        break
                    if len(_succeeded(workers)) >= tasks:
                        # Every task ended with reminders still due (a failed send waits
                        # for its retry): as beat would a minute later.
                        send(dispatch_notifications, queue=queue)
                        tasks += 1
                drained = time.perf_counter() - started
                # The tasks still running find nothing more to send; let them end.
                poll(lambda: len(_succeeded(workers)) >= tasks, timeout=60, interval=0.2)
                per_task = _succeeded(workers)
                per_worker = [len(_succeeded([worker])) for worker in workers]
            raw_messages = mail_messages(Path(mail_dir))
        sent_rows = Counter(
            ours.filter(sent_at__isnull=False).values_list("recipient__email", "title")
        )
        failed = ours.filter(failed_at__isnull=False).count()
        left = ours.filter(sent_at__isnull=True, failed_at__isnull=True).count()
    finally:
        ours.delete()
    messages = Counter()
    for raw in raw_messages:
        message = email.message_from_bytes(raw)
        # A long subject line is folded onto several lines; the outbox keeps it on one.
        subject = " ".join(str(make_header(decode_header(message["Subject"]))).split())
        messages[(message["To"].strip(), subject)] += 1
    ours_messages = sum(messages[pair] for pair in sent_rows)
    duplicates = ours_messages - sum(sent_rows.values())
    duplicate_pairs = sum(max(0, messages[pair] - sent) for pair, sent in sent_rows.items())
    database = settings.DATABASES["default"]["NAME"]
    note = (
        f"{database}; {machine_load()}; {count} supervision reminders "
        f"({pairs} peer supporter × session pairs), "
        f"{WORKERS} workers (solo pool), {tasks} dispatch tasks queued at once "
        f"(tasks per worker {per_worker}; sent per task up to {max(per_task, default=0)}); "
        f"sent {sum(sent_rows.values())}, given up {failed}, left {left}; file e-mail backend"
    )
    if others_due:
        note += f"; {others_due} other notifications were already due and were sent too"
    return [
        at_most(
            f"{count:,} due reminders drained by {WORKERS} workers",
            round(drained, 2),
            "s",
            DRAIN_LIMIT,
            smoke=smoke,
            note=note,
        ),
        at_most(
            "Duplicate reminder e-mails",
            max(duplicates, duplicate_pairs),
            "count",
            0,
            smoke=smoke,
            note=(
                f"{len(raw_messages)} messages handed to the mail backend, {ours_messages} "
                f"of them with a reminder's recipient and subject line; those less the "
                f"reminders sent: {duplicates}; beyond one per reminder with the pair: "
                f"{duplicate_pairs}"
            ),
        ),
    ]


if __name__ == "__main__":
    for figure in measure(smoke="--smoke" in sys.argv):
        print(figure)

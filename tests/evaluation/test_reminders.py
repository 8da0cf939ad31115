"""Survey e-mails and reminders: scheduled when an invitation is made, stopped at once
when it is answered, withdrawn or closed, and never sent once no longer wanted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evaluation.actions import answering
from evaluation.actions.answering import survey_pages
from evaluation.actions.invitations import make_due_invitations
from evaluation.actions.reminders import (
    pending_survey_notifications,
    reminder_times,
    schedule_invitation_emails,
)
from evaluation.actions.studies import close_wave
from evaluation.models import Invitation, InvitationStatus
from peersupport.notifications.actions import dispatch_due_notifications
from peersupport.notifications.models import Notification
from peersupport.notifications.tasks import dispatch_notifications
from programmes import actions as programme_actions
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.programmes.course_state import accepted_applicant, default_cohort

from .builders import make_instrument, make_invitation, make_study, make_wave


def one_page_survey(region, **wave_fields):
    study = make_study(regions=[region])
    return make_wave(study, [make_instrument("exp", items_per_page=10)], **wave_fields)


def invitation_to(wave, participant, **fields) -> Invitation:
    invitation = make_invitation(
        wave,
        region=participant.region,
        anchor_key=f"test:{participant.pk}",
        participant=participant,
        **fields,
    )
    schedule_invitation_emails([invitation])
    return invitation


def finish(invitation: Invitation) -> Invitation:
    """Consent, answer the one page and send it in, through the answering actions."""
    study = invitation.wave.study
    answering.give_consent(
        invitation=invitation, information=study.information.current(), agreed=True
    )
    [page] = survey_pages(invitation.wave)
    answering.save_page(invitation=invitation, step=0, values={item.pk: 3 for item in page.items})
    return answering.complete(invitation=invitation)


@pytest.fixture
def trainee(stockholm, coordinator):
    from tests.factories import certified_participant

    return certified_participant(stockholm, name="Tove Trainee")


@pytest.mark.django_db
def test_reminders_are_spaced_and_only_while_the_invitation_is_open(stockholm):
    """Reminder k is due k × the interval after opening, and none at or after closing."""
    wave = one_page_survey(stockholm, max_reminders=5, reminder_interval_days=7)
    opens = timezone.now()

    times = reminder_times(wave, opens, opens + dt.timedelta(days=21))

    assert times == [opens + dt.timedelta(days=7), opens + dt.timedelta(days=14)]


@pytest.mark.django_db
def test_completing_the_survey_withdraws_the_reminders(stockholm, trainee):
    """Answering and sending in deletes the reminders not yet sent."""
    invitation = invitation_to(one_page_survey(stockholm), trainee)
    assert pending_survey_notifications(Invitation.objects.all()).count() == 3

    finish(invitation)

    assert not pending_survey_notifications(Invitation.objects.all()).exists()


@pytest.mark.django_db
def test_closing_a_wave_withdraws_every_pending_reminder_at_once(stockholm, researcher):
    """Closing the wave removes the unsent e-mails of all its invitations."""
    from tests.factories import certified_participant

    wave = one_page_survey(stockholm)
    for name in ("Ada Ett", "Bo Två", "Cia Tre"):
        invitation_to(wave, certified_participant(stockholm, name=name))
    other = invitation_to(
        one_page_survey(stockholm, name="Annan våg"),
        certified_participant(stockholm, name="Dan Fyra"),
    )

    close_wave(actor=researcher, wave=wave)

    assert not pending_survey_notifications(wave.invitations.all()).exists()
    assert pending_survey_notifications(Invitation.objects.filter(pk=other.pk)).count() == 3


@pytest.mark.django_db
def test_the_dispatcher_drops_a_reminder_for_a_completed_invitation_even_if_its_row_remains(
    mailoutbox, stockholm, trainee
):
    """A reminder left in the outbox (say, completion committed while it was being
    claimed) is given up unsent when its invitation no longer waits for answers."""
    invitation = invitation_to(one_page_survey(stockholm), trainee)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.COMPLETED, completed_at=timezone.now()
    )

    later = timezone.now() + dt.timedelta(days=60)
    assert dispatch_due_notifications(now=later) == 0

    assert mailoutbox == []
    dropped = Notification.objects.filter(kind__startswith="survey_")
    assert dropped.count() == 3
    assert all(n.failed_at and n.last_error.startswith("No longer wanted") for n in dropped)


@pytest.mark.django_db
def test_the_invitation_email_goes_to_the_participant_without_an_account(
    mailoutbox, stockholm, trainee, settings
):
    """The e-mail reaches the participant's address, in their language, with their
    personal link, and is sent once however often the dispatcher runs."""
    settings.SITE_URL = "https://peer.example.org"
    trainee.language = "en"
    trainee.save()
    invitation = invitation_to(one_page_survey(stockholm), trainee, language="en")

    assert dispatch_due_notifications() == 1
    assert dispatch_due_notifications() == 0

    [message] = mailoutbox
    assert message.to == [trainee.email]
    assert f"https://peer.example.org/evaluation/s/{invitation.token}/" in message.body
    assert "Uppföljning 2026" in message.subject
    assert "voluntary" in message.body


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_enrolling_sends_the_baseline_through_the_worker_and_no_reminder_follows_completion(
    celery_worker_process,  # noqa: F811
    coordinator,
    stockholm,
    monkeypatch,
):
    """Enrolment queues the baseline e-mail and the worker sends it; once the trainee has
    answered, a dispatch 60 days later sends nothing more."""
    from evaluation import anchors
    from tests.programmes.course_state import default_template

    # Windows open at eight in the morning; from midnight here, so that the survey can be
    # answered at once whatever the hour the test runs.
    monkeypatch.setattr(anchors, "OPENING_TIME", dt.time(0, 0))

    default_template()
    wave = one_page_survey(stockholm, max_reminders=3, reminder_interval_days=7)
    cohort = default_cohort(coordinator, stockholm, timezone.localdate() + dt.timedelta(days=7))
    participant = accepted_applicant(coordinator, stockholm, "Tove Trainee")
    programme_actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
    invitation = wave.invitations.get()
    assert participant.user is None

    sent = celery_worker_process.send(dispatch_notifications)
    celery_worker_process.wait_for_task(sent)
    [message] = celery_worker_process.sent_mail()
    assert message["To"] == participant.email
    assert invitation.token in message.get_payload(decode=True).decode()

    finish(invitation)
    later = (timezone.now() + dt.timedelta(days=60)).isoformat()
    sent_later = celery_worker_process.send(dispatch_notifications, as_of=later)
    celery_worker_process.wait_for_task(sent_later)

    assert len(celery_worker_process.sent_mail()) == 1
    assert make_due_invitations() == 0
    assert not Notification.objects.filter(sent_at__isnull=True, failed_at__isnull=True).exists()


@pytest.mark.django_db
def test_deleting_an_invitation_removes_its_emails_from_the_outbox(stockholm, trainee, mailoutbox):
    """Survey e-mails have no recipient account to go with, so they go with the
    invitation: nothing about an erased respondent stays in the outbox."""
    invitation = invitation_to(one_page_survey(stockholm), trainee)
    dispatch_due_notifications()
    assert Notification.objects.filter(sent_at__isnull=False).count() == 1

    invitation.delete()

    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_reminder_due_while_the_respondent_is_finishing_waits_instead_of_deadlocking(
    mailoutbox, stockholm, trainee
):
    """While a completion holds the invitation, the dispatcher does not wait for it (the
    completion will delete the very reminder the dispatcher holds): it puts the reminder
    back for a minute; after the completion nothing is left to send."""
    import threading

    from django.db import connection, transaction

    invitation = invitation_to(one_page_survey(stockholm), trainee)
    locked, release = threading.Event(), threading.Event()

    def finishing_respondent():
        try:
            with transaction.atomic():
                Invitation.objects.select_for_update().get(pk=invitation.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=finishing_respondent)
    holder.start()
    assert locked.wait(10)
    try:
        assert dispatch_due_notifications() == 0
    finally:
        release.set()
        holder.join(10)
    pending = Notification.objects.get(occurrence="invitation")
    assert (pending.attempts, pending.sent_at, pending.failed_at) == (1, None, None)
    assert pending.due_at > timezone.now()

    finish(invitation)

    assert dispatch_due_notifications(now=timezone.now() + dt.timedelta(days=60)) == 0
    assert mailoutbox == []

"""Every URL of the project, requested as anonymous and as every role.

A URL pattern that is missing from EXPECTED fails the test: a new page must state who
may see it. allauth's and the admin's own URLs are allow-listed (they guard themselves,
and the admin login goes through allauth).
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from evaluation.actions import slips as slip_actions
from evaluation.actions.exports import produce_export, request_export
from evaluation.models import Anchor, RespondentGroup
from peersupport.accounts.invitations import invitation_path
from peersupport.accounts.models import Role
from peersupport.dataprotection.models import Consent
from peersupport.extracts.actions import produce_extract, request_extract
from peersupport.golive.models import PendingImport
from peersupport.messaging.actions import send_group_message
from peersupport.messaging.audiences import get_audience
from peersupport.notifications.calendar import calendar_feed_for
from peersupport.reports.actions import produce_report, request_report, subscribe
from peersupport.reports.models import Frequency, PeriodKind, Report
from programmes import actions as programme_actions
from programmes.models import CourseTemplate
from programmes.permissions import invitation_answer_token
from supervision import actions as supervision_actions
from workplaces import actions as workplace_actions
from workplaces.models import IncidentKind, SessionKind

from .conftest import ROLE_FIXTURES
from .evaluation.builders import answer, make_instrument, make_invitation, make_study, make_wave
from .factories import MembershipFactory, UserFactory, active_placement, ready_workplace
from .programmes.course_state import accepted_applicant, certified, default_cohort
from .supervision.state import supervision_group

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *ROLE_FIXTURES]
LOGIN = 302  # anonymous visitors are sent to the login page


def expect(default: int, **per_role: int) -> dict[str, int]:
    return {role: per_role.get(role, default) for role in ROLES}


COORDINATORS_ONLY = expect(403, anonymous=LOGIN, coordinator=200, other_coordinator=200)
# A page about a Stockholm object: its coordinator sees it, Skåne's gets 404.
STOCKHOLM_COORDINATOR = expect(403, anonymous=LOGIN, coordinator=200, other_coordinator=404)

LOG_FOLLOW_UP = expect(403, anonymous=LOGIN, auditor=200, admin_user=200)

# Follow-up surveys: researchers (and admins) build studies and instruments; coordinators
# read instruments and their regions' results. The study is Stockholm's: Skåne's
# coordinator gets 404.
SURVEY_READERS = expect(
    403, anonymous=LOGIN, coordinator=200, other_coordinator=200, researcher=200, admin_user=200
)
STOCKHOLM_STUDY_READERS = expect(
    403, anonymous=LOGIN, coordinator=200, other_coordinator=404, researcher=200, admin_user=200
)
RESEARCHERS = expect(403, anonymous=LOGIN, researcher=200, admin_user=200)
# POSTs that redirect back to the study (opening an open study is refused with a message).
RESEARCHERS_POST = expect(403, anonymous=LOGIN, researcher=302, admin_user=302)
SLIP_PRINTERS = expect(
    403,
    anonymous=LOGIN,
    coordinator=200,
    other_coordinator=200,
    peer_supporter=200,
    unit_manager=200,
)
# Slips the unit manager printed at the Stockholm workplace: they and the region's
# coordinator see them; a peer supporter sees only the batches they printed (404).
STOCKHOLM_SLIPS = expect(
    403,
    anonymous=LOGIN,
    coordinator=200,
    other_coordinator=404,
    peer_supporter=404,
    unit_manager=200,
)
# Evaluation reports.
REPORT_READERS = expect(
    403, anonymous=LOGIN, coordinator=200, other_coordinator=200, researcher=200, admin_user=200
)
STOCKHOLM_REPORT = expect(
    403, anonymous=LOGIN, coordinator=200, other_coordinator=404, researcher=404, admin_user=200
)
STOCKHOLM_REPORT_POST = expect(
    403, anonymous=LOGIN, coordinator=302, other_coordinator=404, researcher=404, admin_user=302
)
STOCKHOLM_REGISTER = expect(
    403, anonymous=LOGIN, coordinator=200, other_coordinator=404, admin_user=200
)
INCIDENT_REPORTERS = expect(
    403,
    anonymous=LOGIN,
    peer_supporter=200,
    supervisor=200,
    other_supervisor=200,
    unit_manager=200,
)

EXPECTED: dict[str, dict[str, int]] = {
    "home": expect(200, anonymous=LOGIN),
    "healthz": expect(200),
    "floor": expect(200, anonymous=LOGIN),
    "set_language": expect(302),
    "accounts:person_list": COORDINATORS_ONLY,
    "accounts:person_invite": COORDINATORS_ONLY,
    # A peer supporter in Stockholm: their coordinator sees them, Skåne's gets 404.
    "accounts:person_detail": expect(403, anonymous=LOGIN, coordinator=200, other_coordinator=404),
    "accounts:profile_edit": expect(200, anonymous=LOGIN),
    "accounts:invitation_accept": expect(200),
    "notifications:notification_list": expect(200, anonymous=LOGIN),
    # Recruitment: a Stockholm applicant's record is 404 to Skåne's coordinator. POST: an
    # empty status change shows the form again; giving an account invites and redirects.
    "programmes:participant_list": COORDINATORS_ONLY,
    "programmes:participant_create": COORDINATORS_ONLY,
    "programmes:participant_detail": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404
    ),
    "programmes:participant_status": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404
    ),
    "programmes:participant_account": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=404
    ),
    # Consents on the applicant's page: an empty POST shows the page again with the errors.
    "programmes:participant_consent_record": STOCKHOLM_COORDINATOR,
    "programmes:participant_consent_withdraw": STOCKHOLM_COORDINATOR,
    # The legal-basis register: admins only.
    "dataprotection:legal_basis": expect(403, anonymous=LOGIN, admin_user=200),
    # Everyone's own consents; only the Stockholm peer supporter withdraws theirs (POST).
    "dataprotection:my_consents": expect(200, anonymous=LOGIN),
    "dataprotection:my_consent_withdraw": expect(404, anonymous=LOGIN, peer_supporter=302),
    # Course templates are shared data: every coordinator may edit them.
    "programmes:template_list": COORDINATORS_ONLY,
    "programmes:template_edit": COORDINATORS_ONLY,
    # Events: a Stockholm reunion is 404 to Skåne's coordinator; the POSTs redirect back.
    "programmes:event_list": COORDINATORS_ONLY,
    "programmes:event_create": COORDINATORS_ONLY,
    "programmes:event_detail": expect(403, anonymous=LOGIN, coordinator=200, other_coordinator=404),
    "programmes:event_invite": expect(403, anonymous=LOGIN, coordinator=302, other_coordinator=404),
    "programmes:event_attendance": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=404
    ),
    # Cohorts: coordinators only; a Stockholm cohort is 404 to Skåne's coordinator.
    "programmes:cohort_list": COORDINATORS_ONLY,
    "programmes:cohort_create": COORDINATORS_ONLY,
    "programmes:cohort_detail": STOCKHOLM_COORDINATOR,
    "programmes:cohort_edit": STOCKHOLM_COORDINATOR,
    # POST regenerates the schedule and redirects back to the cohort.
    "programmes:cohort_schedule": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=404
    ),
    "programmes:cohort_enrol": STOCKHOLM_COORDINATOR,
    "programmes:enrolment_withdraw": STOCKHOLM_COORDINATOR,
    "programmes:attendance_grid": STOCKHOLM_COORDINATOR,
    "programmes:cohort_certify": STOCKHOLM_COORDINATOR,
    "programmes:cohort_close": STOCKHOLM_COORDINATOR,
    "programmes:session_edit": STOCKHOLM_COORDINATOR,
    # The Stockholm peer supporter's own certificate: they and their coordinator get it.
    "programmes:certificate_pdf": expect(404, anonymous=LOGIN, coordinator=200, peer_supporter=200),
    "programmes:certificate_reissue": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=404
    ),
    "programmes:certificate_verify": expect(200),
    "programmes:my_course": expect(200, anonymous=LOGIN),
    # Placements: the region's coordinator, the workplace's unit manager and the placed peer
    # supporter; Skåne's coordinator gets 404 on Stockholm's placement.
    "workplaces:placement_list": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=200,
        peer_supporter=200,
        unit_manager=200,
    ),
    "workplaces:placement_create": COORDINATORS_ONLY,
    "workplaces:placement_detail": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        peer_supporter=200,
        unit_manager=200,
    ),
    # POST: the placement is already active, so agreeing is refused with a message.
    "workplaces:placement_agree": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=404, unit_manager=302
    ),
    "workplaces:placement_end": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    "workplaces:review_list": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=200, unit_manager=200
    ),
    "workplaces:review_respond": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    # Support sessions: the peer supporter logs and reads their own; coordinators read their
    # regions'; the unit manager gets aggregates elsewhere, never a session (403 on the
    # list, 404 on the Stockholm peer supporter's session – as for anyone else).
    "workplaces:session_list": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=200, peer_supporter=200
    ),
    "workplaces:session_create": expect(403, anonymous=LOGIN, peer_supporter=200),
    "workplaces:session_detail": expect(404, anonymous=LOGIN, coordinator=200, peer_supporter=200),
    # Only the author changes a session; the coordinator may read it but not change it.
    "workplaces:session_edit": expect(404, anonymous=LOGIN, coordinator=403, peer_supporter=200),
    # Workplaces: coordinators and unit managers; the Stockholm workplace is 404 to Skåne's
    # coordinator. The unit managers' overview opens for coordinators too (their regions'
    # workplaces). Only coordinators register workplaces and export aggregates.
    "workplaces:workplace_list": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=200, unit_manager=200
    ),
    "workplaces:workplace_create": COORDINATORS_ONLY,
    "workplaces:organisation_create": COORDINATORS_ONLY,
    "workplaces:workplace_detail": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    "workplaces:readiness_confirm": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    "workplaces:staff_training_create": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    "workplaces:trainee_order_create": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    "workplaces:manager_home": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=200, unit_manager=200
    ),
    "workplaces:aggregates_export": COORDINATORS_ONLY,
    # Supervision: the Stockholm group is led by `supervisor`, with the Stockholm peer
    # supporter as member; `other_supervisor` supervises in Stockholm too, but not it.
    "supervision:supervisor_home": expect(
        403, anonymous=LOGIN, supervisor=200, other_supervisor=200
    ),
    "supervision:supervisor_list": COORDINATORS_ONLY,
    "supervision:group_list": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=200,
        supervisor=200,
        other_supervisor=200,
    ),
    "supervision:group_create": COORDINATORS_ONLY,
    "supervision:group_detail": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        supervisor=200,
        other_supervisor=404,
    ),
    # Who is in a group is the coordinator's decision.
    "supervision:group_edit": STOCKHOLM_COORDINATOR,
    "supervision:group_plan": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        supervisor=200,
        other_supervisor=404,
    ),
    "supervision:session_list": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=200,
        supervisor=200,
        other_supervisor=200,
        peer_supporter=200,
    ),
    "supervision:session_detail": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        supervisor=200,
        other_supervisor=404,
        peer_supporter=200,
    ),
    "supervision:session_edit": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        supervisor=200,
        other_supervisor=404,
    ),
    "supervision:session_cancel": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        supervisor=200,
        other_supervisor=404,
    ),
    "supervision:session_attendance": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        supervisor=200,
        other_supervisor=404,
    ),
    # The private note: its supervisor alone. Not the coordinator, not the member, not
    # another supervisor of the region.
    "supervision:session_note": expect(403, anonymous=LOGIN, supervisor=200, other_supervisor=404),
    "supervision:session_confirm": expect(403, anonymous=LOGIN, peer_supporter=200),
    "supervision:cadence": COORDINATORS_ONLY,
    # Calendar: everyone's own feed settings; the feed itself answers its secret token.
    "notifications:calendar_settings": expect(200, anonymous=LOGIN),
    "notifications:calendar_feed": expect(200),
    # Register extracts and erasure: a Stockholm applicant's are for Stockholm's coordinators
    # (Skåne's gets 404; the extract itself is 404 to everyone else); each person asks for
    # their own extract.
    "extracts:own_extracts": expect(200, anonymous=LOGIN),
    "extracts:person_extracts": STOCKHOLM_COORDINATOR,
    "extracts:person_erase": STOCKHOLM_COORDINATOR,
    "extracts:extract_detail": expect(404, anonymous=LOGIN, coordinator=200),
    "extracts:extract_status": expect(404, anonymous=LOGIN, coordinator=200),
    "extracts:extract_download": expect(404, anonymous=LOGIN, coordinator=200),
    # Evaluation reports: coordinators, researchers and admins ask for them. A Stockholm
    # report is its coordinators' and the admin's (Skåne's coordinator and the researcher,
    # who reads national reports, get 404); writing it again redirects to the new one.
    "reports:report_list": REPORT_READERS,
    "reports:report_detail": STOCKHOLM_REPORT,
    "reports:report_status": STOCKHOLM_REPORT,
    "reports:report_download": STOCKHOLM_REPORT,
    "reports:report_regenerate": STOCKHOLM_REPORT_POST,
    # Standing orders are a coordinator's own: the Stockholm coordinator's is 404 to others.
    "reports:subscription_list": COORDINATORS_ONLY,
    "reports:subscription_delete": expect(
        403,
        anonymous=LOGIN,
        coordinator=302,
        other_coordinator=404,
        researcher=404,
        admin_user=404,
    ),
    # Register sheets hold names: the region's coordinators and the admin only.
    "reports:register_list": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=200, admin_user=200
    ),
    "reports:register_detail": STOCKHOLM_REGISTER,
    "reports:register_status": STOCKHOLM_REGISTER,
    "reports:register_download": STOCKHOLM_REGISTER,
    # Log follow-up: the region's log auditor and the admin, no one else.
    "audit:event_list": LOG_FOLLOW_UP,
    "audit:event_export": LOG_FOLLOW_UP,
    "audit:person_search": LOG_FOLLOW_UP,
    "audit:patterns": LOG_FOLLOW_UP,
    "evaluation:study_list": SURVEY_READERS,
    "evaluation:study_create": RESEARCHERS,
    "evaluation:study_detail": STOCKHOLM_STUDY_READERS,
    "evaluation:study_edit": RESEARCHERS,
    "evaluation:study_information": RESEARCHERS,
    "evaluation:study_information_pdf": STOCKHOLM_STUDY_READERS,
    "evaluation:study_open": RESEARCHERS_POST,
    "evaluation:study_close": RESEARCHERS_POST,
    "evaluation:wave_create": RESEARCHERS,
    "evaluation:wave_edit": RESEARCHERS,
    "evaluation:wave_close": RESEARCHERS_POST,
    "evaluation:study_results": STOCKHOLM_STUDY_READERS,
    "evaluation:study_results_csv": STOCKHOLM_STUDY_READERS,
    "evaluation:instrument_list": SURVEY_READERS,
    "evaluation:instrument_detail": SURVEY_READERS,
    "evaluation:instrument_version_detail": SURVEY_READERS,
    "evaluation:instrument_import": RESEARCHERS,
    "evaluation:instrument_export": RESEARCHERS,
    # Research exports: the researcher's own, and the admin's; coordinators see results only.
    "evaluation:study_exports": RESEARCHERS,
    "evaluation:export_detail": RESEARCHERS,
    "evaluation:export_status": RESEARCHERS,
    "evaluation:export_download": RESEARCHERS,
    "evaluation:slip_batches": SLIP_PRINTERS,
    "evaluation:slip_batch_create": SLIP_PRINTERS,
    "evaluation:slip_batch_detail": STOCKHOLM_SLIPS,
    "evaluation:slip_batch_status": STOCKHOLM_SLIPS,
    "evaluation:slip_batch_pdf": STOCKHOLM_SLIPS,
    # The respondent's link and a slip's code need no login: whoever holds them answers.
    "evaluation:answer_start": expect(200),
    # An invitation consented with its first page answered: the pages and the withdrawal.
    "evaluation:answer_page": expect(200),
    "evaluation:answer_withdraw": expect(200),
    "evaluation:answer_consent_pdf": expect(200),
    "evaluation:answer_complete": expect(302),
    "evaluation:answer_language": expect(302),
    "evaluation:code_entry": expect(200),
    "evaluation:code_link": expect(200),
    # Go-live import: a pending import is its uploader's alone, in a region they coordinate
    # (Skåne's coordinator gets 404). Its file has an error, so confirming it is refused
    # (400) and nothing is imported; cancelling deletes it and goes back to the upload.
    "golive:import_upload": COORDINATORS_ONLY,
    "golive:template_download": COORDINATORS_ONLY,
    "golive:import_preview": STOCKHOLM_COORDINATOR,
    "golive:import_confirm": expect(403, anonymous=LOGIN, coordinator=400, other_coordinator=404),
    "golive:import_cancel": expect(403, anonymous=LOGIN, coordinator=302, other_coordinator=404),
    # Upkeep of people: the Stockholm peer supporter's details, role and account are for
    # Stockholm's coordinator (Skåne's gets 404). Ending the role and closing the account
    # ask to confirm first (GET); reopening an open account and inviting someone who has
    # chosen a password are refused with a message and a redirect (POST).
    "accounts:person_edit": STOCKHOLM_COORDINATOR,
    "accounts:membership_end": STOCKHOLM_COORDINATOR,
    "accounts:person_close": STOCKHOLM_COORDINATOR,
    "accounts:person_reopen": expect(403, anonymous=LOGIN, coordinator=302, other_coordinator=404),
    "accounts:invitation_resend": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=404
    ),
    # Messages to groups: everyone's own inbox and sent list; coordinators and supervisors
    # write to the groups they have. The Stockholm supervision group is written to by its
    # supervisor and the region's coordinator (Skåne's coordinator and another supervisor
    # get 404); the coordinator's message to it is read by its author and its member.
    "messaging:message_inbox": expect(200, anonymous=LOGIN),
    "messaging:message_sent": expect(200, anonymous=LOGIN),
    "messaging:message_groups": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=200,
        supervisor=200,
        other_supervisor=200,
    ),
    "messaging:message_write": expect(
        403,
        anonymous=LOGIN,
        coordinator=200,
        other_coordinator=404,
        supervisor=200,
        other_supervisor=404,
    ),
    "messaging:message_detail": expect(404, anonymous=LOGIN, coordinator=200, peer_supporter=200),
    # Upkeep of the programme: a Stockholm applicant's details and cohort are 404 to Skåne's
    # coordinator. Cancelling a cohort asks to confirm first (GET). Copying the national
    # template without a region is refused with a message and a redirect, for both regions'
    # coordinators; the admin holds no coordinator role.
    "programmes:participant_edit": STOCKHOLM_COORDINATOR,
    "programmes:cohort_cancel": STOCKHOLM_COORDINATOR,
    "programmes:template_copy": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=302
    ),
    # Editing and cancelling a Stockholm event (GET shows the form). The answer link in the
    # invitation e-mail is signed and public to whoever holds it; everyone has a list of
    # their own invitations. The peer supporter's own invitation answered with no answer
    # redirects back with a message; it is 404 to anyone else.
    "programmes:event_edit": STOCKHOLM_COORDINATOR,
    "programmes:event_cancel": STOCKHOLM_COORDINATOR,
    "programmes:event_answer": expect(200),
    "programmes:my_events": expect(200, anonymous=LOGIN),
    "programmes:my_event_answer": expect(404, anonymous=LOGIN, peer_supporter=302),
    # Ending a supervision group is the coordinator's (its supervisor gets 403); reopening
    # an active group is refused with a message and a redirect.
    "supervision:group_deactivate": STOCKHOLM_COORDINATOR,
    "supervision:group_reactivate": expect(
        403, anonymous=LOGIN, coordinator=302, other_coordinator=404
    ),
    # Upkeep of workplaces: the region's coordinator corrects organisations, workplaces and
    # placements; readiness (withdrawing a confirmation, recording a planned staff training
    # as held) also the workplace's unit manager.
    "workplaces:organisation_edit": STOCKHOLM_COORDINATOR,
    "workplaces:workplace_edit": STOCKHOLM_COORDINATOR,
    "workplaces:placement_edit": STOCKHOLM_COORDINATOR,
    "workplaces:readiness_withdraw": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    "workplaces:staff_training_held": expect(
        403, anonymous=LOGIN, coordinator=200, other_coordinator=404, unit_manager=200
    ),
    # Recruitment intake: each region's interest form and its thanks page are public; the
    # page with the forms' addresses is the coordinators'. Interviews: the applicant's
    # coordinator.
    "programmes:intake_form": expect(200),
    "programmes:intake_thanks": expect(200),
    "programmes:intake_links": COORDINATORS_ONLY,
    "programmes:participant_interview": STOCKHOLM_COORDINATOR,
    # Incidents: coordinators list their regions'; peer supporters, supervisors and unit
    # managers report and list their own. The incident (shared with the workplace's
    # managers) shows to its reporter, Stockholm's coordinator and the unit manager.
    "workplaces:incident_list": COORDINATORS_ONLY,
    "workplaces:my_incidents": INCIDENT_REPORTERS,
    "workplaces:incident_create": INCIDENT_REPORTERS,
    "workplaces:incident_detail": expect(
        404, anonymous=LOGIN, coordinator=200, peer_supporter=200, unit_manager=200
    ),
    # POST without a note: the follow-up form is shown again with its errors (400).
    "workplaces:incident_follow_up": expect(
        403, anonymous=LOGIN, coordinator=400, other_coordinator=404
    ),
}


def _applicant_extract(ctx) -> dict:
    """A written register extract of the Stockholm applicant, made only for the URLs that
    need one (writing the PDF takes a second)."""
    if "extract" not in ctx:
        subject = ctx["applicant"].data_subject()
        extract = request_extract(
            actor=ctx["coordinator"],
            subject=subject,
            language="sv",
            region_id=subject.region_id,
            own=False,
        )
        ctx["extract"] = produce_extract(extract_id=extract.pk)
    return {"pk": ctx["extract"].pk}


def _research_export(ctx):
    """The researcher's written export of the study, made only for the URLs that need it."""
    if "research_export" not in ctx:
        export = request_export(actor=ctx["researcher"], study=ctx["study"])
        ctx["research_export"] = produce_export(export_id=export.pk)
    return ctx["research_export"]


def _written_slips(ctx):
    """The slip batch with its PDF written, only for the URL that serves it."""
    slip_actions.write_slips_pdf(batch_id=ctx["slip_batch"].pk)
    return ctx["slip_batch"]


def _register_export(ctx):
    """A written Stockholm participants sheet, made only for the URLs that need one."""
    if "register_export" not in ctx:
        from peersupport.reports.register_actions import (
            produce_register_export,
            request_register_export,
        )

        export = request_register_export(
            actor=ctx["coordinator"],
            region=ctx["coordinator"].memberships.get().region,
            kind="participants",
            language="sv",
        )
        ctx["register_export"] = produce_register_export(export_id=export.pk)
    return ctx["register_export"]


def _stockholm_report(ctx) -> Report:
    """A written Stockholm half-year report, made only for the URLs that need one."""
    if "report" not in ctx:
        report = request_report(
            actor=ctx["coordinator"],
            region=ctx["coordinator"].memberships.get().region,
            period_kind=PeriodKind.HALF_YEAR,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 6, 30),
            language="sv",
        )
        ctx["report"] = produce_report(report_id=report.pk)
    return ctx["report"]


def _report_subscription(ctx) -> dict:
    subscription = subscribe(
        actor=ctx["coordinator"],
        region=ctx["coordinator"].memberships.get().region,
        frequency=Frequency.MONTHLY,
        language="sv",
    )
    return {"pk": subscription.pk}


def _pending_import(ctx):
    """Applicants the Stockholm coordinator uploaded, one row with a broken e-mail address,
    made only for the URLs that need it."""
    if "pending_import" not in ctx:
        ctx["pending_import"] = PendingImport.objects.create(
            region=ctx["coordinator"].memberships.get().region,
            kind="applicants",
            file_name="applicants.xlsx",
            rows=[
                {
                    "full_name": "Ny Person",
                    "email": "not-an-email",
                    "consent_on_paper": "2026-01-15",
                }
            ],
            created_by=ctx["coordinator"],
        )
    return ctx["pending_import"]


def _group_message(ctx) -> dict:
    """The coordinator's message to the Stockholm supervision group (the peer supporter),
    written only for the URL that needs it."""
    if "group_message" not in ctx:
        ctx["group_message"] = send_group_message(
            actor=ctx["coordinator"],
            audience=get_audience("supervision_group"),
            group=ctx["supervision_group"],
            subject="Handledning i höst",
            body="Välkomna till höstens handledning.",
        )
    return {"pk": ctx["group_message"].pk}


# How to build the URL of each pattern that takes arguments.
URL_ARGS = {
    "reports:report_detail": lambda ctx: {"pk": _stockholm_report(ctx).pk},
    "reports:report_status": lambda ctx: {"pk": _stockholm_report(ctx).pk},
    "reports:report_download": lambda ctx: {"pk": _stockholm_report(ctx).pk, "kind": "pdf"},
    "reports:report_regenerate": lambda ctx: {"pk": _stockholm_report(ctx).pk},
    "reports:subscription_delete": _report_subscription,
    "reports:register_detail": lambda ctx: {"pk": _register_export(ctx).pk},
    "reports:register_status": lambda ctx: {"pk": _register_export(ctx).pk},
    "reports:register_download": lambda ctx: {"pk": _register_export(ctx).pk},
    "extracts:person_extracts": lambda ctx: {
        "kind": "programmes.participant",
        "pk": ctx["applicant"].pk,
    },
    "extracts:person_erase": lambda ctx: {
        "kind": "programmes.participant",
        "pk": ctx["applicant"].pk,
    },
    "extracts:extract_detail": _applicant_extract,
    "extracts:extract_status": _applicant_extract,
    "extracts:extract_download": lambda ctx: {**_applicant_extract(ctx), "kind": "pdf"},
    "accounts:person_detail": lambda ctx: {"pk": ctx["peer_supporter"].pk},
    "accounts:invitation_accept": lambda ctx: ctx["invitation_kwargs"],
    "programmes:participant_detail": lambda ctx: {"pk": ctx["applicant"].pk},
    "programmes:participant_status": lambda ctx: {"pk": ctx["applicant"].pk},
    "programmes:participant_account": lambda ctx: {"pk": ctx["applicant"].pk},
    "programmes:participant_consent_record": lambda ctx: {"pk": ctx["applicant"].pk},
    "programmes:participant_consent_withdraw": lambda ctx: {
        "pk": ctx["applicant"].pk,
        "consent_pk": Consent.objects.of_subject(ctx["applicant"].data_subject()).get().pk,
    },
    "dataprotection:my_consent_withdraw": lambda ctx: {
        "pk": Consent.objects.of_subject(ctx["certificate"].participant.data_subject()).get().pk
    },
    "programmes:template_edit": lambda ctx: {"pk": ctx["course_template"].pk},
    "programmes:event_detail": lambda ctx: {"pk": ctx["event"].pk},
    "programmes:event_invite": lambda ctx: {"pk": ctx["event"].pk},
    "programmes:event_attendance": lambda ctx: {
        "pk": ctx["event"].pk,
        "invitation_pk": ctx["event_invitation"].pk,
    },
    "programmes:cohort_detail": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:cohort_edit": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:cohort_schedule": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:cohort_enrol": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:enrolment_withdraw": lambda ctx: {
        "pk": ctx["cohort"].pk,
        "enrolment_pk": ctx["enrolment"].pk,
    },
    "programmes:attendance_grid": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:cohort_certify": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:cohort_close": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:session_edit": lambda ctx: {"pk": ctx["course_session"].pk},
    "programmes:certificate_pdf": lambda ctx: {"pk": ctx["certificate"].pk},
    "programmes:certificate_reissue": lambda ctx: {"pk": ctx["certificate"].pk},
    "workplaces:placement_detail": lambda ctx: {"pk": ctx["placement"].pk},
    "workplaces:placement_agree": lambda ctx: {"pk": ctx["placement"].pk},
    "workplaces:placement_end": lambda ctx: {"pk": ctx["placement"].pk},
    "workplaces:review_respond": lambda ctx: {"pk": ctx["review"].pk},
    "workplaces:session_detail": lambda ctx: {"pk": ctx["support_session"].pk},
    "workplaces:session_edit": lambda ctx: {"pk": ctx["support_session"].pk},
    "workplaces:workplace_detail": lambda ctx: {"pk": ctx["workplace"].pk},
    "supervision:group_detail": lambda ctx: {"pk": ctx["supervision_group"].pk},
    "supervision:group_edit": lambda ctx: {"pk": ctx["supervision_group"].pk},
    "supervision:group_plan": lambda ctx: {"pk": ctx["supervision_group"].pk},
    "supervision:session_detail": lambda ctx: {"pk": ctx["supervision_session"].pk},
    "supervision:session_edit": lambda ctx: {"pk": ctx["supervision_session"].pk},
    "supervision:session_cancel": lambda ctx: {"pk": ctx["supervision_session"].pk},
    "supervision:session_attendance": lambda ctx: {"pk": ctx["supervision_session"].pk},
    "supervision:session_note": lambda ctx: {"pk": ctx["supervision_session"].pk},
    "supervision:session_confirm": lambda ctx: {"pk": ctx["supervision_session"].pk},
    "notifications:calendar_feed": lambda ctx: {"token": ctx["calendar_feed"].token},
    "workplaces:readiness_confirm": lambda ctx: {"pk": ctx["workplace"].pk, "item": "budget"},
    "workplaces:staff_training_create": lambda ctx: {"pk": ctx["workplace"].pk},
    "workplaces:trainee_order_create": lambda ctx: {"pk": ctx["workplace"].pk},
    **{
        f"evaluation:{name}": lambda ctx: {"token": ctx["survey_invitation"].token}
        for name in (
            "answer_complete",
            "answer_withdraw",
            "answer_consent_pdf",
            "answer_language",
        )
    },
    "evaluation:answer_start": lambda ctx: {"token": ctx["fresh_invitation"].token},
    "evaluation:answer_page": lambda ctx: {"token": ctx["survey_invitation"].token, "step": 0},
    "evaluation:study_detail": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:study_edit": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:study_information": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:study_information_pdf": lambda ctx: {
        "pk": ctx["study"].information.get().pk,
        "lang": "sv",
    },
    "evaluation:study_open": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:study_close": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:study_results": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:study_results_csv": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:study_exports": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:wave_create": lambda ctx: {"pk": ctx["study"].pk},
    "evaluation:wave_edit": lambda ctx: {"pk": ctx["survey_wave"].pk},
    "evaluation:wave_close": lambda ctx: {"pk": ctx["survey_wave"].pk},
    "evaluation:instrument_detail": lambda ctx: {"pk": ctx["instrument_version"].instrument_id},
    "evaluation:instrument_version_detail": lambda ctx: {"pk": ctx["instrument_version"].pk},
    "evaluation:instrument_export": lambda ctx: {"pk": ctx["instrument_version"].pk},
    "evaluation:export_detail": lambda ctx: {"pk": _research_export(ctx).pk},
    "evaluation:export_status": lambda ctx: {"pk": _research_export(ctx).pk},
    "evaluation:export_download": lambda ctx: {"pk": _research_export(ctx).pk, "kind": "wide"},
    "evaluation:slip_batch_detail": lambda ctx: {"pk": ctx["slip_batch"].pk},
    "evaluation:slip_batch_status": lambda ctx: {"pk": ctx["slip_batch"].pk},
    "evaluation:slip_batch_pdf": lambda ctx: {"pk": _written_slips(ctx).pk},
    "evaluation:code_link": lambda ctx: {"code": ctx["slip_batch"].invitations.first().code},
    "golive:import_preview": lambda ctx: {"pk": _pending_import(ctx).pk},
    "golive:import_confirm": lambda ctx: {"pk": _pending_import(ctx).pk},
    "golive:import_cancel": lambda ctx: {"pk": _pending_import(ctx).pk},
    "golive:template_download": lambda ctx: {"kind": "applicants", "file_format": "xlsx"},
    "accounts:person_edit": lambda ctx: {"pk": ctx["peer_supporter"].pk},
    "accounts:membership_end": lambda ctx: {
        "pk": ctx["peer_supporter"].pk,
        "membership_pk": ctx["peer_supporter"].memberships.get().pk,
    },
    "accounts:person_close": lambda ctx: {"pk": ctx["peer_supporter"].pk},
    "accounts:person_reopen": lambda ctx: {"pk": ctx["peer_supporter"].pk},
    "accounts:invitation_resend": lambda ctx: {"pk": ctx["peer_supporter"].pk},
    "messaging:message_write": lambda ctx: {
        "audience": "supervision_group",
        "group_id": ctx["supervision_group"].pk,
    },
    "messaging:message_detail": _group_message,
    "programmes:participant_edit": lambda ctx: {"pk": ctx["applicant"].pk},
    "programmes:cohort_cancel": lambda ctx: {"pk": ctx["cohort"].pk},
    "programmes:template_copy": lambda ctx: {"pk": ctx["course_template"].pk},
    "programmes:event_edit": lambda ctx: {"pk": ctx["event"].pk},
    "programmes:event_cancel": lambda ctx: {"pk": ctx["event"].pk},
    "programmes:event_answer": lambda ctx: {
        "token": invitation_answer_token(ctx["event_invitation"])
    },
    "programmes:my_event_answer": lambda ctx: {"pk": ctx["event_invitation"].pk},
    "supervision:group_deactivate": lambda ctx: {"pk": ctx["supervision_group"].pk},
    "supervision:group_reactivate": lambda ctx: {"pk": ctx["supervision_group"].pk},
    "workplaces:organisation_edit": lambda ctx: {"pk": ctx["workplace"].organisation_id},
    "workplaces:workplace_edit": lambda ctx: {"pk": ctx["workplace"].pk},
    "workplaces:placement_edit": lambda ctx: {"pk": ctx["placement"].pk},
    "workplaces:readiness_withdraw": lambda ctx: {"pk": ctx["workplace"].pk, "item": "budget"},
    "workplaces:staff_training_held": lambda ctx: {
        "pk": ctx["workplace"].pk,
        "training_pk": ctx["planned_training"].pk,
    },
    "programmes:intake_form": lambda ctx: {"region_code": "stockholm"},
    "programmes:intake_thanks": lambda ctx: {"region_code": "stockholm"},
    "programmes:participant_interview": lambda ctx: {"pk": ctx["applicant"].pk},
    "workplaces:incident_detail": lambda ctx: {"pk": ctx["incident"].pk},
    "workplaces:incident_follow_up": lambda ctx: {"pk": ctx["incident"].pk},
}

# Requested with POST where GET is not what the view is for.
POST_ONLY = {
    "set_language",
    "programmes:participant_status",
    "programmes:participant_account",
    "programmes:participant_consent_record",
    "programmes:participant_consent_withdraw",
    "dataprotection:my_consent_withdraw",
    "programmes:event_invite",
    "programmes:event_attendance",
    "programmes:cohort_schedule",
    "programmes:certificate_reissue",
    "workplaces:placement_agree",
    "reports:report_regenerate",
    "reports:subscription_delete",
    "evaluation:answer_complete",
    "evaluation:answer_language",
    "evaluation:study_open",
    "evaluation:study_close",
    "evaluation:wave_close",
    "golive:import_confirm",
    "golive:import_cancel",
    "workplaces:incident_follow_up",
    "programmes:template_copy",
    "programmes:my_event_answer",
    "supervision:group_reactivate",
    "accounts:person_reopen",
    "accounts:invitation_resend",
}


def _is_allow_listed(pattern: URLPattern, namespace: str | None) -> bool:
    module = getattr(pattern.callback, "__module__", "") or ""
    return namespace == "admin" or module.startswith(("allauth.", "django.contrib.admin"))


def project_url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns, namespace: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if namespace and entry.namespace:
                    inner = f"{namespace}:{entry.namespace}"
                walk(entry.url_patterns, inner)
            elif not _is_allow_listed(entry, namespace):
                if not entry.name:
                    raise AssertionError(f"URL pattern {entry.pattern} has no name")
                names.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))


def test_every_url_is_in_the_expectation_table():
    """A new page fails here until the table says who may see it."""
    missing = [name for name in project_url_names() if name not in EXPECTED]
    assert not missing, f"Add these URL names to EXPECTED in {__name__}: {missing}"
    stale = [name for name in EXPECTED if name not in project_url_names()]
    assert not stale, f"These URL names no longer exist: {stale}"


@pytest.fixture
def matrix_context(request, stockholm, skane):
    ctx = {role: request.getfixturevalue(role) for role in ROLES if role != ANONYMOUS}
    invited = UserFactory(password=None)
    MembershipFactory(user=invited, role=Role.PEER_SUPPORTER, region=stockholm)
    uidb64, token = invitation_path(invited).rstrip("/").split("/")[-2:]
    ctx["invitation_kwargs"] = {"uidb64": uidb64, "token": token}
    # A Stockholm cohort with one enrolled trainee.
    ctx["cohort"] = default_cohort(ctx["coordinator"], stockholm, dt.date(2027, 9, 6))
    ctx["course_session"] = ctx["cohort"].sessions.first()
    ctx["enrolment"] = programme_actions.enrol(
        actor=ctx["coordinator"],
        cohort=ctx["cohort"],
        participant=accepted_applicant(ctx["coordinator"], stockholm, "Tove Trainee"),
    )
    # The Stockholm peer supporter is certified from an earlier cohort.
    ctx["certificate"] = certified(
        ctx["coordinator"],
        default_cohort(ctx["coordinator"], stockholm, dt.date(2027, 3, 1), name="Våren 2027"),
        accepted_applicant(
            ctx["coordinator"], stockholm, "Elias Peer", email=ctx["peer_supporter"].email
        ),
    )
    # A ready Stockholm workplace run by the unit manager, where the Stockholm peer
    # supporter has been placed for a month (so the first follow-up is due).
    ctx["workplace"] = ready_workplace(
        ctx["coordinator"], stockholm, managers=[ctx["unit_manager"]]
    )
    # A staff training planned for today (no staff count yet): readiness is unchanged.
    ctx["planned_training"] = workplace_actions.record_staff_training(
        actor=ctx["coordinator"], workplace=ctx["workplace"], held_on=timezone.localdate()
    )
    ctx["placement"] = active_placement(
        ctx["coordinator"],
        ctx["unit_manager"],
        ctx["workplace"],
        ctx["certificate"].participant,
        start_date=timezone.localdate() - relativedelta(months=1),
    )
    ctx["review"] = ctx["placement"].reviews.get(months_after_start=1)
    # A one-to-one session the peer supporter logged there today.
    ctx["support_session"] = workplace_actions.log_support_session(
        actor=ctx["peer_supporter"],
        placement=ctx["placement"],
        date=timezone.localdate(),
        minutes=45,
        kind=SessionKind.CONVERSATION,
        reflection="Vi pratade om sömn.",
    )
    # A Stockholm applicant, the default course template, and a Stockholm reunion to
    # which the region's alumni (the certified peer supporter) are invited.
    ctx["applicant"] = programme_actions.register_applicant(
        actor=ctx["coordinator"],
        region=stockholm,
        full_name="Ada Applicant",
        email="ada.applicant@example.org",
        lived_experience_declared=True,
        consent_method="paper",
    )
    ctx["course_template"] = CourseTemplate.objects.get(is_default=True)
    ctx["event"] = programme_actions.create_event(
        actor=ctx["coordinator"],
        region=stockholm,
        kind="reunion",
        title="Återträff",
        starts_at=timezone.now() + dt.timedelta(days=30),
        ends_at=timezone.now() + dt.timedelta(days=30, hours=3),
    )
    programme_actions.invite_alumni(actor=ctx["coordinator"], event=ctx["event"])
    ctx["event_invitation"] = ctx["event"].invitations.first()
    # A Stockholm supervision group led by the supervisor, with the placed peer supporter;
    # its first session is today, so attendance, note and confirmation are all open.
    ctx["supervision_group"] = supervision_group(
        ctx["coordinator"], ctx["supervisor"], [ctx["certificate"].participant]
    )
    supervision_actions.register_supervisor(
        actor=ctx["coordinator"], user=ctx["other_supervisor"], region=stockholm
    )
    ctx["supervision_session"] = supervision_actions.plan_series(
        actor=ctx["coordinator"],
        group=ctx["supervision_group"],
        first_date=timezone.localdate(),
        until=timezone.localdate() + dt.timedelta(weeks=12),
        start_time=dt.time(0, 0),
        skip_holidays=False,
    )[0]
    supervision_actions.save_private_note(
        actor=ctx["supervisor"], session=ctx["supervision_session"], text="Mitt eget minne."
    )
    ctx["calendar_feed"] = calendar_feed_for(ctx["peer_supporter"])
    # The Stockholm peer supporter reported an incident at their workplace and let its unit
    # managers read it.
    ctx["incident"] = workplace_actions.report_incident(
        actor=ctx["peer_supporter"],
        occurred_on=timezone.localdate(),
        kind=IncidentKind.WORK_ENVIRONMENT,
        description="Hög arbetsbelastning i dag.",
        workplace=ctx["workplace"],
        shared_with_managers=True,
    )
    # An open Stockholm study: the placed peer supporter has consented and answered the first
    # page of their invitation; service-user slips are printed at the Stockholm workplace.
    ctx["instrument_version"] = make_instrument()
    ctx["study"] = make_study(regions=[stockholm])
    ctx["survey_wave"] = make_wave(ctx["study"], [ctx["instrument_version"]])
    ctx["survey_invitation"] = make_invitation(
        ctx["survey_wave"],
        region=stockholm,
        anchor_key=f"placement:{ctx['placement'].pk}",
        participant=ctx["certificate"].participant,
    )
    answer(ctx["survey_invitation"], {"a1": 4, "a2": 2, "a3": 5}, complete=False)
    # The unit manager's, not yet opened: its link shows the consent page.
    ctx["fresh_invitation"] = make_invitation(
        ctx["survey_wave"], region=stockholm, anchor_key="fresh", user=ctx["unit_manager"]
    )
    slip_wave = make_wave(
        ctx["study"],
        [ctx["instrument_version"]],
        name="Brukare",
        group=RespondentGroup.SERVICE_USERS,
        anchor=Anchor.CUSTOM,
    )
    ctx["slip_batch"] = slip_actions.print_slips(
        actor=ctx["unit_manager"], wave=slip_wave, workplace=ctx["workplace"], size=2
    )
    return ctx


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", project_url_names())
def test_permission_matrix(url_name, matrix_context, client, client_for):
    """Each role gets exactly the status the table expects, and never another's data."""
    expected = EXPECTED.get(url_name)
    assert expected is not None, f"{url_name} is missing from EXPECTED"
    kwargs = URL_ARGS[url_name](matrix_context) if url_name in URL_ARGS else {}
    url = reverse(url_name, kwargs=kwargs)
    actual = {}
    for role in ROLES:
        # Re-authenticated: exports and private notes ask for the password again, which
        # tests/accounts/test_sessions.py covers; this table is about who may see what.
        http = (
            client if role == ANONYMOUS else client_for(matrix_context[role], reauthenticated=True)
        )
        if url_name in POST_ONLY:
            response = http.post(url, {"language": "sv", "next": "/"})
        else:
            response = http.get(url)
        actual[role] = response.status_code
        if role == ANONYMOUS and response.status_code == LOGIN and url_name not in POST_ONLY:
            assert reverse("account_login") in response["Location"], url_name
    assert actual == expected, url_name

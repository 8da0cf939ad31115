"""Name fields refuse contact data at the field, and free text about service users warns
about possible names: the writer removes the name or confirms it is not one, and the
confirmation (never the text) is in the audit log."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.actions import invite_person, update_profile
from peersupport.accounts.forms import InviteForm, ProfileForm
from peersupport.accounts.models import Region, Role, User
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.forms import PrivacyGuardedFormMixin
from programmes.forms import ApplicantForm
from supervision import actions as supervision_actions
from supervision.forms import ConfirmForm
from tests.factories import active_placement, certified_participant, ready_workplace
from tests.supervision.state import supervision_group
from workplaces.forms import WorkplaceForm
from workplaces.models import Organisation, SessionKind, SupportSession

TODAY = timezone.localdate()


class ReflectionForm(PrivacyGuardedFormMixin, forms.Form):
    reflection = forms.CharField(required=False, widget=forms.Textarea)
    title = forms.CharField(required=False)

    name_warning_fields = ("reflection",)


# Name fields ------------------------------------------------------------------------------


@pytest.mark.english
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Anna Svensson 19850312-1234", "A name cannot hold a personal identity number."),
        ("Anna 070-123 45 67", "A name cannot hold a phone number."),
        ("anna@example.org", "A name cannot hold an e-mail address."),
    ],
)
def test_an_invited_persons_name_refuses_contact_data_at_the_field(stockholm, typed, message):
    """The invitation's name field says what it found; the e-mail field is not touched and
    everything typed is kept."""
    form = InviteForm(
        {
            "full_name": typed,
            "email": "anna@example.org",
            "role": Role.PEER_SUPPORTER,
            "region": stockholm.pk,
            "language": "sv",
        },
        regions=Region.objects.all(),
    )

    assert not form.is_valid()
    assert list(form.errors) == ["full_name"]
    assert form.errors["full_name"][0].startswith(message)
    assert form["full_name"].value() == typed


@pytest.mark.django_db
def test_every_form_that_names_a_person_guards_the_name(stockholm, peer_supporter):
    """The profile, the applicant and the workplace's contact person all refuse a phone
    number in the name, while the applicant's own phone and the contact's phone are kept."""
    phone_in_name = "Anna 070-123 45 67"
    profile = ProfileForm({"full_name": phone_in_name, "language": "sv"}, instance=peer_supporter)
    applicant = ApplicantForm(
        {
            "full_name": phone_in_name,
            "email": "anna@example.org",
            "phone": "070-123 45 67",
            "region": stockholm.pk,
            "language": "sv",
            "lived_experience_declared": "on",
        },
        regions=Region.objects.all(),
    )
    workplace = WorkplaceForm(
        {"contact_name": phone_in_name, "contact_phone": "08-123 456 78"},
        organisations=Organisation.objects.none(),
        managers=User.objects.none(),
    )

    for form in (profile, applicant, workplace):
        assert not form.is_valid()
        assert "full_name" in form.errors or "contact_name" in form.errors
        assert "phone" not in form.errors and "contact_phone" not in form.errors


def test_a_name_field_can_never_be_allowed_contact_data():
    """Declaring a name field among the fields allowed to hold contact data is refused when
    the form class is defined."""
    with pytest.raises(ImproperlyConfigured):

        class Careless(PrivacyGuardedFormMixin, forms.Form):
            full_name = forms.CharField()
            identifying_fields_allowed = ("full_name",)
            person_name_fields = ("full_name",)


# The name warning -------------------------------------------------------------------------


@pytest.mark.english
def test_a_possible_name_is_a_warning_at_the_field_with_a_checkbox_under_it():
    """The warning names the word; a checkbox for it appears right after the field, and
    what was typed is kept."""
    typed = "Vi pratade om sömnen. Sedan kom Anna och Sten."
    form = ReflectionForm({"reflection": typed, "title": "Samtal"})

    assert not form.is_valid()
    assert form.errors["reflection"] == [
        "These may be names: Anna, Sten. Remove them, or tick below each one that is not a "
        "person's name."
    ]
    assert list(form.fields) == ["reflection", "reflection_not_a_name", "title"]
    assert [value for value, _label in form.fields["reflection_not_a_name"].choices] == [
        "Anna",
        "Sten",
    ]
    assert form["reflection"].value() == typed


@pytest.mark.english
def test_the_warning_stays_for_each_word_not_confirmed():
    """Ticking one word leaves the warning for the other."""
    form = ReflectionForm(
        {"reflection": "Sedan kom Anna och Sten.", "reflection_not_a_name": ["Sten"]}
    )

    assert not form.is_valid()
    assert form.errors["reflection"] == [
        "This may be a name: Anna. Remove it, or tick below that it is not a person's name."
    ]


def test_confirming_every_word_lets_the_text_through_and_says_what_was_confirmed():
    """With each word ticked the form is valid, the confirmation is not part of the cleaned
    data, and the form knows which words were confirmed in which field."""
    form = ReflectionForm(
        {"reflection": "Sedan kom Anna och Sten.", "reflection_not_a_name": ["Anna", "Sten"]}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"reflection": "Sedan kom Anna och Sten.", "title": ""}
    assert form.confirmed_names == {"reflection": ["Anna", "Sten"]}


def test_text_without_names_and_fields_not_opted_in_pass_without_a_checkbox():
    """Ordinary text gets no warning and no checkbox; a field that is not opted in is not
    checked for names."""
    form = ReflectionForm({"reflection": "Maj var en tung månad.", "title": "Möte med Anna"})

    assert form.is_valid()
    assert list(form.fields) == ["reflection", "title"]
    assert form.confirmed_names == {}


def test_a_crispy_form_shows_the_checkbox_under_the_warned_field():
    """A form laid out by crispy renders the checkbox after the field, ticked as posted."""
    form = ConfirmForm({"comment": "Bra samtal med Lena.", "comment_not_a_name": []})
    form.is_valid()

    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))

    assert html.index('name="comment"') < html.index('name="comment_not_a_name"')
    assert 'value="Lena"' in html


# Through the pages ------------------------------------------------------------------------


@pytest.fixture
def placement(coordinator, unit_manager, peer_supporter, stockholm):
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    participant = certified_participant(stockholm, peer_supporter)
    return active_placement(
        coordinator,
        unit_manager,
        workplace,
        participant,
        start_date=TODAY - dt.timedelta(days=100),
    )


def test_a_name_in_a_reflection_is_warned_then_confirmed_and_the_confirmation_logged(
    placement, peer_supporter, client_for
):
    """The first post saves nothing and shows the warning with the text kept; ticking the
    word saves the session and logs the confirmed word and field, never the text."""
    client = client_for(peer_supporter)
    url = reverse("workplaces:session_create")
    reflection = "Vi pratade om boendet. Sedan kom Sten och det blev bättre."
    data = {
        "placement": placement.pk,
        "date": TODAY.isoformat(),
        "minutes": "30",
        "kind": SessionKind.CONVERSATION,
        "reflection": reflection,
    }

    warned = client.post(url, data)

    assert warned.status_code == 200
    assert not SupportSession.objects.exists()
    assert "reflection" in warned.context["form"].errors
    page = warned.content.decode()
    assert reflection in page
    assert 'name="reflection_not_a_name"' in page

    saved = client.post(url, {**data, "reflection_not_a_name": "Sten"})

    assert saved.status_code == 302
    session = SupportSession.objects.get()
    assert session.reflection == reflection
    event = AuditEvent.objects.get(action=AuditAction.NAME_CONFIRMED)
    assert event.actor == peer_supporter
    assert event.object_id == str(session.pk)
    assert event.detail == {
        "form": "workplaces.forms.SupportSessionCreateForm",
        "fields": {"reflection": ["Sten"]},
    }
    assert "boendet" not in str(event.detail)


def test_a_session_without_names_logs_no_confirmation(placement, peer_supporter, client_for):
    """Text with no possible name is saved at once and nothing is confirmed."""
    response = client_for(peer_supporter).post(
        reverse("workplaces:session_create"),
        {
            "placement": placement.pk,
            "date": TODAY.isoformat(),
            "minutes": "30",
            "kind": SessionKind.CONVERSATION,
            "reflection": "Maj har varit tung. Vi pratade om sömn och pengar.",
        },
    )

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.NAME_CONFIRMED).exists()


def test_a_name_in_an_excused_absence_reason_gets_its_checkbox_in_that_persons_row(
    coordinator, supervisor, peer_supporter, stockholm, client_for
):
    """On the attendance page the warning and the checkbox sit in the absent person's row;
    ticking saves the attendance and logs the confirmed word for that reason field."""
    elias = certified_participant(stockholm, peer_supporter)
    group = supervision_group(coordinator, supervisor, [elias])
    session = supervision_actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=TODAY - dt.timedelta(days=7),
        until=TODAY - dt.timedelta(days=7),
        start_time=dt.time(13, 0),
        interval_weeks=1,
        skip_holidays=False,
    )[0]
    client = client_for(supervisor)
    url = reverse("supervision:session_attendance", args=[session.pk])
    field = f"reason_{elias.pk}"
    data = {f"status_{elias.pk}": "excused", field: "Följde med Lena till vårdcentralen"}

    warned = client.post(url, data)

    assert warned.status_code == 200
    assert field in warned.context["form"].errors
    page = warned.content.decode()
    row = page[page.index(f'data-participant="{elias.pk}"') :]
    assert row.index(f'name="{field}"') < row.index(f'name="{field}_not_a_name"')

    saved = client.post(url, {**data, f"{field}_not_a_name": "Lena"})

    assert saved.status_code == 302
    assert session.attendances.get().reason == data[field]
    event = AuditEvent.objects.get(action=AuditAction.NAME_CONFIRMED)
    assert event.detail["fields"] == {field: ["Lena"]}


@pytest.mark.django_db
def test_the_actions_refuse_contact_data_in_a_name_at_the_name_field(coordinator, stockholm):
    """Whatever form (or admin) calls them, inviting a person and changing a profile refuse
    a name holding a phone number, with the message on the name field."""
    with pytest.raises(ValidationError) as invited:
        invite_person(
            actor=coordinator,
            email="ny@example.org",
            full_name="Ny Person 070-123 45 67",
            role=Role.PEER_SUPPORTER,
            region=stockholm,
        )
    with pytest.raises(ValidationError) as profiled:
        update_profile(user=coordinator, full_name="ny@example.org", language="sv")

    assert list(invited.value.error_dict) == ["full_name"]
    assert list(profiled.value.error_dict) == ["full_name"]
    assert not User.objects.filter(email="ny@example.org").exists()

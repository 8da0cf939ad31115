import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes import actions
from programmes.models import CourseTemplate

pytestmark = pytest.mark.django_db

LIST = reverse("programmes:template_list")


@pytest.fixture(autouse=True)
def _english_speaking_coordinator(coordinator):
    """The coordinator reads the pages in English, so messages are compared as written."""
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])


@pytest.fixture
def national():
    return CourseTemplate.objects.get(is_default=True)


@pytest.fixture
def nsph(coordinator, stockholm, national):
    """Stockholm's own copy of the national default: the template its coordinator edits."""
    return actions.copy_course_template(actor=coordinator, template=national, region=stockholm)


def edit_url(template):
    return reverse("programmes:template_edit", args=[template.pk])


def _add_fields(form, data):
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [str(item) for item in value]
        elif isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        data[bound.html_name] = value


def page_as_post(response) -> dict:
    """What the edit page would post back if the coordinator changed nothing."""
    data: dict = {}
    context = response.context
    _add_fields(context["form"], data)
    for formset in (context["module_formset"], context["day_formset"]):
        _add_fields(formset.management_form, data)
        for form in formset:
            _add_fields(form, data)
    return data


def day_form_index(data, week, weekday):
    """The index of the day form planned on ``week`` (counted from 1) and ``weekday``."""
    for key, value in data.items():
        if key.startswith("days-") and key.endswith("-week") and value == week:
            index = key.split("-")[1]
            if data.get(f"days-{index}-weekday") == weekday:
                return index
    raise LookupError((week, weekday))


def module_form_index(data, name):
    for key, value in data.items():
        if key.startswith("modules-") and key.endswith("-name") and value == name:
            return key.split("-")[1]
    raise LookupError(name)


def test_coordinators_list_the_national_and_their_regions_templates(
    coordinator, other_coordinator, national, nsph, client_for
):
    """Both regions' coordinators see the national default with its 15 days; only
    Stockholm's see Stockholm's own copy."""
    response = client_for(coordinator).get(LIST)
    assert response.status_code == 200
    shapes = [(t, t.day_count, t.module_count) for t in response.context["templates"]]
    assert shapes == [(national, 15, 10), (nsph, 15, 10)]
    assert edit_url(nsph) in response.content.decode()

    response = client_for(other_coordinator).get(LIST)
    assert list(response.context["templates"]) == [national]
    assert edit_url(nsph) not in response.content.decode()


def test_others_are_refused_the_template_pages(peer_supporter, researcher, nsph, client_for):
    """Only coordinators read or change course templates."""
    for user in (peer_supporter, researcher):
        client = client_for(user)
        assert client.get(LIST).status_code == 403
        assert client.get(edit_url(nsph)).status_code == 403
        assert client.post(edit_url(nsph), {"name": "Kapad"}).status_code == 403
    nsph.refresh_from_db()
    assert nsph.name != "Kapad"


def test_the_edit_page_shows_the_template_as_it_is(coordinator, nsph, client_for):
    """Each module and each day has its form, plus one empty form to add another."""
    response = client_for(coordinator).get(edit_url(nsph))
    assert response.status_code == 200
    assert len(response.context["module_formset"].forms) == 11
    days = response.context["day_formset"]
    assert len(days.forms) == 16
    assert days.forms[5].initial["week"] == 3  # day 6 is the Monday of week three
    assert days.forms[5].initial["weekday"] == 0


def test_a_coordinator_edits_the_rule_a_module_adds_one_and_drops_a_day(
    coordinator, nsph, client_for
):
    """Name, attendance rule, times, learning aims, a new module and one day fewer are saved
    together; the days are renumbered in course order."""
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data.update(
        {
            "name": "PEER Support – kortare kurs",
            "min_attendance_percent": "75",
            "day_start": "09:30",
            "day_end": "15:30",
        }
    )
    recovery = module_form_index(data, "Återhämtning")
    data[f"modules-{recovery}-learning_aims"] = "Återhämtning som process."
    data["modules-10-name"] = "Kroppslig hälsa"
    data["modules-10-learning_aims"] = "Sömn, mat och rörelse."
    data[f"days-{day_form_index(data, 5, 4)}-DELETE"] = "on"

    response = client.post(edit_url(nsph), data)
    assert response.status_code == 302, response.context["form"].errors
    nsph.refresh_from_db()
    assert nsph.name == "PEER Support – kortare kurs"
    assert nsph.min_attendance_percent == 75
    assert (nsph.day_start, nsph.day_end) == (dt.time(9, 30), dt.time(15, 30))
    assert nsph.modules.get(name="Återhämtning").learning_aims == "Återhämtning som process."
    added = nsph.modules.get(name="Kroppslig hälsa")
    assert (added.required, added.position) == (False, 10)
    days = list(nsph.days.values_list("number", "week", "weekday"))
    assert len(days) == 14
    assert days[-1] == (14, 4, 3)
    assert [number for number, _week, _weekday in days] == list(range(1, 15))


def test_a_day_plan_change_moves_modules_with_the_day(coordinator, nsph, client_for):
    """A day moved to another weekday keeps its modules and takes its place in the order."""
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    first = day_form_index(data, 1, 0)
    data[f"days-{first}-week"] = 2  # day 1 moves to Monday of week two
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 302
    moved = nsph.days.get(week=1, weekday=0)
    assert moved.number == 5
    assert [m.name for m in moved.modules.all()] == ["Introduktion och gruppen"]


@pytest.mark.parametrize("percent", ["0", "101"])
def test_an_attendance_rule_outside_1_to_100_is_refused(coordinator, nsph, client_for, percent):
    """The minimum attendance is a share between 1 and 100 %; the typed value is kept."""
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data["min_attendance_percent"] = percent
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 400
    assert "min_attendance_percent" in response.context["form"].errors
    assert f'value="{percent}"' in response.content.decode()
    nsph.refresh_from_db()
    assert nsph.min_attendance_percent == 80


def test_a_template_must_keep_a_day(coordinator, nsph, client_for):
    """Deleting every course day is refused with a message; nothing is changed."""
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data["name"] = "Utan dagar"
    for index in range(15):
        data[f"days-{index}-DELETE"] = "on"
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "A course template must keep at least one course day."
    ]
    nsph.refresh_from_db()
    assert nsph.name != "Utan dagar"
    assert nsph.days.count() == 15


def test_a_required_module_must_be_on_a_course_day(coordinator, nsph, client_for):
    """A required module that no day teaches would make the course impossible to complete."""
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    for index in range(15):
        data[f"days-{index}-modules"] = [
            pk
            for pk in data.get(f"days-{index}-modules", [])
            if pk != str(nsph.modules.get(name="Självstigma").pk)
        ]
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 400
    [error] = response.context["form"].non_field_errors()
    assert "Självstigma" in error
    assert nsph.modules.get(name="Självstigma").days.exists()


def test_two_days_in_the_same_slot_are_refused(coordinator, nsph, client_for):
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data.update({"days-15-week": "1", "days-15-weekday": "0"})
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Two course days are planned on Monday of week 1."
    ]
    assert nsph.days.count() == 15


def test_a_day_that_ends_before_it_starts_is_refused(coordinator, nsph, client_for):
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data.update({"day_start": "15:00", "day_end": "09:00"})
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 400
    assert response.context["form"].errors["day_end"] == ["A course day must end after it starts."]


def test_two_modules_with_one_name_are_refused_next_to_the_field(coordinator, nsph, client_for):
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data["modules-10-name"] = "egenmakt"
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 400
    assert response.context["module_formset"].forms[10].errors["name"] == [
        "Two modules cannot have the same name."
    ]
    assert nsph.modules.count() == 10


def test_a_module_taught_in_a_cohort_cannot_be_deleted(coordinator, stockholm, nsph, client_for):
    """Deleting a module that cohorts were taught would rewrite their history: refused."""
    actions.create_cohort(
        actor=coordinator,
        region=stockholm,
        template=nsph,
        name="Hösten 2027",
        venue="Folkets hus",
        capacity=16,
        start_date=dt.date(2027, 9, 6),
    )
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data[f"modules-{module_form_index(data, 'Egenmakt')}-DELETE"] = "on"
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 400
    [error] = response.context["form"].non_field_errors()
    assert "Egenmakt" in error and "optional" in error
    assert nsph.modules.filter(name="Egenmakt").exists()


def test_an_unused_optional_module_can_be_deleted(coordinator, nsph, client_for):
    client = client_for(coordinator)
    data = page_as_post(client.get(edit_url(nsph)))
    data[f"modules-{module_form_index(data, 'Samtal och bemötande')}-DELETE"] = "on"
    response = client.post(edit_url(nsph), data)
    assert response.status_code == 302
    assert not nsph.modules.filter(name="Samtal och bemötande").exists()
    assert nsph.days.count() == 15


def test_modules_can_swap_names(coordinator, nsph):
    """Names are unique per template, yet two modules may trade names in one save."""
    first, second = nsph.modules.all()[:2]
    plans = [
        actions.ModulePlan(module=module, name=module.name, required=module.required)
        for module in nsph.modules.all()
    ]
    plans[0] = actions.ModulePlan(module=first, name=second.name, required=first.required)
    plans[1] = actions.ModulePlan(module=second, name=first.name, required=second.required)
    actions.update_course_template(
        actor=coordinator,
        template=nsph,
        name=nsph.name,
        min_attendance_percent=80,
        day_start=nsph.day_start,
        day_end=nsph.day_end,
        modules=plans,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, second.name) == ("Återhämtning", "Introduktion och gruppen")


def test_only_coordinators_may_change_a_template(peer_supporter, nsph):
    """The action refuses anyone who coordinates no region."""
    with pytest.raises(ValidationError):
        actions.update_course_template(
            actor=peer_supporter,
            template=nsph,
            name="Kapad",
            min_attendance_percent=50,
            day_start=nsph.day_start,
            day_end=nsph.day_end,
        )


def test_the_action_refuses_an_attendance_rule_out_of_range(coordinator, nsph):
    with pytest.raises(ValidationError) as error:
        actions.update_course_template(
            actor=coordinator,
            template=nsph,
            name=nsph.name,
            min_attendance_percent=0,
            day_start=nsph.day_start,
            day_end=nsph.day_end,
        )
    assert "min_attendance_percent" in error.value.message_dict
    nsph.refresh_from_db()
    assert nsph.min_attendance_percent == 80

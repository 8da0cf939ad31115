"""Course templates: the shape of a course (days, modules, completion rule). National
templates are read here and changed in the admin; a region's own copies are edited here by
its coordinators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.forms import add_action_error

from .. import actions
from ..forms import CourseModuleFormSet, CourseTemplateForm, TemplateCopyForm, TemplateDayFormSet
from ..permissions import can_edit_template, get_template_for_user_or_404, templates_visible_to


@role_required(Role.COORDINATOR)
def template_list(request):
    templates = (
        templates_visible_to(request.user)
        .select_related("region")
        .annotate(
            module_count=Count("modules", distinct=True),
            day_count=Count("days", distinct=True),
            cohort_count=Count("cohorts", distinct=True),
        )
        # The national templates first, then each region's own.
        .order_by(F("region__name").asc(nulls_first=True), "name")
    )
    regions = regions_for(request.user, Role.COORDINATOR)
    return render(
        request,
        "programmes/template_list.html",
        {"templates": templates, "copy_form": TemplateCopyForm(regions=regions)},
    )


@role_required(Role.COORDINATOR)
def template_edit(request, pk: int):
    """A region's own template is edited here; a national one is shown read-only, with the
    offer to copy it to the coordinator's region."""
    template = get_template_for_user_or_404(request.user, pk)
    can_edit = can_edit_template(request.user, template)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    heading = template.name
    modules = list(template.modules.all())
    data = request.POST if request.method == "POST" else None
    form = CourseTemplateForm(data, instance=template)
    module_formset = CourseModuleFormSet(data, queryset=template.modules.all(), prefix="modules")
    day_formset = TemplateDayFormSet(
        data,
        prefix="days",
        initial=_day_plan_initial(template),
        form_kwargs={"module_choices": [(module.pk, module.name) for module in modules]},
    )
    if data is not None and all(
        [form.is_valid(), module_formset.is_valid(), day_formset.is_valid()]
    ):
        try:
            actions.update_course_template(
                actor=request.user,
                template=template,
                **form.cleaned_data,
                modules=_module_plans(module_formset),
                days=_day_plans(day_formset),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The course template is saved."))
            return redirect("programmes:template_edit", pk=template.pk)
    return render(
        request,
        "programmes/template_edit.html",
        {
            "template": template,
            "heading": heading,
            "can_edit": can_edit,
            "copy_form": None
            if can_edit
            else TemplateCopyForm(regions=regions_for(request.user, Role.COORDINATOR)),
            "form": form,
            "module_formset": module_formset,
            "day_formset": day_formset,
        },
        status=400 if data is not None else 200,
    )


def _day_plan_initial(template):
    days = template.days.prefetch_related("modules").order_by("number")
    return [
        {
            "week": day.week + 1,
            "weekday": day.weekday,
            "modules": [module.pk for module in day.modules.all()],
        }
        for day in days
    ]


def _module_plans(formset) -> list[actions.ModulePlan]:
    plans = []
    deleted_forms = formset.deleted_forms
    for form in formset.forms:
        existing = form.instance if form.instance.pk else None
        deleted = form in deleted_forms
        if existing is None and (deleted or not form.has_changed()):
            continue
        if deleted:
            plans.append(actions.ModulePlan(module=existing, name=existing.name, delete=True))
            continue
        plans.append(
            actions.ModulePlan(
                module=existing,
                name=form.cleaned_data["name"],
                learning_aims=form.cleaned_data["learning_aims"],
                required=form.cleaned_data["required"],
            )
        )
    return plans


def _day_plans(formset) -> list[actions.DayPlan]:
    deleted_forms = formset.deleted_forms
    return [
        actions.DayPlan(
            week=form.cleaned_data["week"] - 1,
            weekday=form.cleaned_data["weekday"],
            module_ids=frozenset(form.cleaned_data["modules"]),
        )
        for form in formset.forms
        if form.cleaned_data and form not in deleted_forms
    ]

"""Course templates: the shape of a course (days, modules, completion rule), edited by
coordinators."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.forms import add_action_error

from .. import actions
from ..forms import CourseModuleFormSet, CourseTemplateForm, TemplateDayFormSet
from ..permissions import get_template_for_user_or_404, templates_visible_to


@role_required(Role.COORDINATOR)
def template_list(request):
    templates = templates_visible_to(request.user).annotate(
        module_count=Count("modules", distinct=True),
        day_count=Count("days", distinct=True),
        cohort_count=Count("cohorts", distinct=True),
    )
    return render(request, "programmes/template_list.html", {"templates": templates})


@role_required(Role.COORDINATOR)
def template_edit(request, pk: int):
    template = get_template_for_user_or_404(request.user, pk)
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
            "form": form,
            "module_formset": module_formset,
            "day_formset": day_formset,
        },
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

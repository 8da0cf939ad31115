"""The respondent's pages, reached through the personal link without an account.

The token in the address is the only key: every view loads the invitation by it and shows
the page in the invitation's language. Unknown tokens get a plain "no such survey" page;
a link that is closed, finished or withdrawn gets a page that says so, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peersupport.forms import add_action_error

from ..actions import answering as actions
from ..actions.answering import LinkState, SurveyPage, link_state, may_withdraw, survey_pages
from ..answer_forms import ConsentForm, LanguageForm, SurveyPageForm, WithdrawForm
from ..documents import consent_receipt_filename, render_consent_receipt_pdf
from ..models import Invitation, InvitationStatus

# Status of the page shown for each finished or unavailable link.
STATE_STATUS = {
    LinkState.NOT_OPEN: 200,
    LinkState.CLOSED: 410,
    LinkState.CANCELLED: 410,
    LinkState.DECLINED: 200,
    LinkState.WITHDRAWN: 200,
    LinkState.COMPLETED: 200,
}

RespondentView = Callable[..., HttpResponse]


def respondent_view(view: RespondentView) -> Callable[..., HttpResponse]:
    """Load the invitation by the link's token and render in the respondent's language.

    Public by design (the token is 32 random bytes); never cached and never indexed. The
    site's same-origin referrer policy keeps the token out of other sites' logs; a stricter
    one would make the browser send ``Origin: null``, which the CSRF check refuses."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        invitation = Invitation.objects.select_related("wave__study").filter(token=token).first()
        if invitation is None:
            response = render(request, "evaluation/survey_unknown.html", status=404)
        else:
            with translation.override(invitation.language):
                response = view(request, invitation, **kwargs)
            response["Content-Language"] = invitation.language
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _render(request, template: str, invitation: Invitation, context=None, *, status=200):
    return render(
        request,
        template,
        {
            "invitation": invitation,
            "study": invitation.wave.study,
            "token": invitation.token,
            **(context or {}),
        },
        status=status,
    )


def _state_page(request, invitation: Invitation, state: LinkState) -> HttpResponse:
    return _render(
        request,
        "evaluation/survey_done.html"
        if state == LinkState.COMPLETED
        else "evaluation/survey_status.html",
        invitation,
        {"state": state, "may_withdraw": may_withdraw(invitation)},
        status=STATE_STATUS[state],
    )


def _page_url(invitation: Invitation, step: int) -> str:
    return reverse("evaluation:answer_page", args=[invitation.token, step])


@respondent_view
@require_http_methods(["GET", "HEAD", "POST"])
def answer_start(request, invitation: Invitation):
    """The link itself: the consent page first, then the page the respondent reached."""
    state = link_state(invitation)
    if state == LinkState.ANSWERING:
        return redirect(_page_url(invitation, invitation.step))
    if state != LinkState.CONSENT:
        return _state_page(request, invitation, state)
    information = invitation.wave.study.information.current()
    if information is None or not survey_pages(invitation.wave):
        # A study is opened only with its information and instruments; should either be
        # missing after all, the respondent is told to come back rather than shown an error.
        return _state_page(request, invitation, LinkState.NOT_OPEN)

    form = ConsentForm(initial={"version": information.version})
    text_changed = False
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["version"] != information.version:
                text_changed = True
                form = ConsentForm(initial={"version": information.version})
            else:
                # Answered meanwhile in another tab: the start page shows where it stands.
                with suppress(ValidationError):
                    actions.give_consent(
                        invitation=invitation, information=information, agreed=form.agreed
                    )
                return redirect("evaluation:answer_start", token=invitation.token)
    return _render(
        request,
        "evaluation/survey_consent.html",
        invitation,
        {"information": information, "form": form, "text_changed": text_changed},
    )


def _page_context(
    invitation: Invitation, pages: list[SurveyPage], page: SurveyPage, form: SurveyPageForm
) -> dict:
    return {
        "page": page,
        "page_number": page.step + 1,
        "page_count": len(pages),
        "is_last": page.step == len(pages) - 1,
        "form": form,
        "questions": form.questions(),
        "previous_url": _page_url(invitation, page.step - 1) if page.step else "",
    }


def _survey_page(request, invitation: Invitation, step: int | None):
    """The pages and the one asked for, or a redirect when the link or the step is not
    one the respondent may answer now."""
    if link_state(invitation) != LinkState.ANSWERING:
        return None, None, redirect("evaluation:answer_start", token=invitation.token)
    pages = survey_pages(invitation.wave)
    if not pages:
        return None, None, _state_page(request, invitation, LinkState.NOT_OPEN)
    reached = min(invitation.step, len(pages) - 1)
    if step is None:
        step = len(pages) - 1
    if step > reached:
        return None, None, redirect(_page_url(invitation, reached))
    return pages, pages[step], None


@respondent_view
@require_http_methods(["GET", "HEAD", "POST"])
def answer_page(request, invitation: Invitation, step: int):
    """One page of questions. "Save and continue" saves it and goes on; "Previous" saves
    what is answered and goes back; nothing typed is lost when something is missing."""
    pages, page, response = _survey_page(request, invitation, step)
    if response is not None:
        return response
    if request.method == "POST":
        going_back = "back" in request.POST and page.step > 0
        form = SurveyPageForm(request.POST, items=page.items, enforce_required=not going_back)
        if form.is_valid():
            try:
                invitation = actions.save_page(
                    invitation=invitation,
                    step=page.step,
                    values=form.values(),
                    partial=going_back,
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                if going_back:
                    return redirect(_page_url(invitation, page.step - 1))
                return redirect(_page_url(invitation, invitation.step))
    else:
        answers = invitation.answers.filter(item__in=page.items).select_related("item")
        form = SurveyPageForm(items=page.items, initial=SurveyPageForm.initial_from(answers))
    return _render(
        request,
        "evaluation/survey_page.html",
        invitation,
        _page_context(invitation, pages, page, form),
    )


@respondent_view
@require_POST
def answer_complete(request, invitation: Invitation):
    """The last page's "Send in": save the page, then send the whole survey in."""
    pages, page, response = _survey_page(request, invitation, None)
    if response is not None:
        return response
    form = SurveyPageForm(request.POST, items=page.items)
    if form.is_valid():
        try:
            invitation = actions.save_page(
                invitation=invitation, step=page.step, values=form.values()
            )
            actions.complete(invitation=invitation)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            return redirect("evaluation:answer_start", token=invitation.token)
    return _render(
        request,
        "evaluation/survey_page.html",
        invitation,
        _page_context(invitation, pages, page, form),
    )


@respondent_view
@require_http_methods(["GET", "HEAD", "POST"])
def answer_withdraw(request, invitation: Invitation):
    """Stop taking part, keeping or deleting the answers given."""
    if not may_withdraw(invitation):
        return redirect("evaluation:answer_start", token=invitation.token)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            actions.withdraw(invitation=invitation, keep_answers=form.keep_answers)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            return redirect("evaluation:answer_start", token=invitation.token)
    back_url = (
        reverse("evaluation:answer_start", args=[invitation.token])
        if invitation.status != InvitationStatus.COMPLETED
        else ""
    )
    return _render(
        request,
        "evaluation/survey_withdraw.html",
        invitation,
        {"form": form, "choices": form.choices(), "back_url": back_url},
    )


@respondent_view
@require_GET
def answer_consent_pdf(request, invitation: Invitation):
    """The information text the respondent agreed to, with the date they agreed."""
    if not invitation.consented:
        raise Http404
    pdf = render_consent_receipt_pdf(invitation)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=consent_receipt_filename(invitation)
    )
    response["Cache-Control"] = "private, no-store"
    return response


@respondent_view
@require_POST
def answer_language(request, invitation: Invitation):
    """Switch the survey's language; back to the page the respondent was on."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        actions.change_language(invitation=invitation, language=form.cleaned_data["language"])
        target = form.cleaned_data["next"]
        own_prefix = reverse("evaluation:answer_start", args=[invitation.token])
        if target.startswith(own_prefix) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            return redirect(target)
    return redirect("evaluation:answer_start", token=invitation.token)


urlpatterns = [
    path("s/<slug:token>/", answer_start, name="answer_start"),
    path("s/<slug:token>/page/<int:step>/", answer_page, name="answer_page"),
    path("s/<slug:token>/complete/", answer_complete, name="answer_complete"),
    path("s/<slug:token>/withdraw/", answer_withdraw, name="answer_withdraw"),
    path("s/<slug:token>/consent.pdf", answer_consent_pdf, name="answer_consent_pdf"),
    path("s/<slug:token>/language/", answer_language, name="answer_language"),
]

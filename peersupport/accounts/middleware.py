from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .scoping import requires_mfa

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}

# Views a staff user without MFA may still reach: setting MFA up, and leaving.
MFA_SETUP_VIEWS = {"account_logout", "account_reauthenticate", "set_language", "healthz"}


class UserLanguageMiddleware:
    """Swedish unless the person chose otherwise (their profile, or the language menu).

    The browser's Accept-Language is deliberately ignored: the service is Swedish first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = None
        if request.user.is_authenticated:
            language = request.user.language
        if language not in LANGUAGE_CODES:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in LANGUAGE_CODES:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequireMFAMiddleware:
    """Sends staff roles that have no second factor to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR_STAFF or not requires_mfa(request.user):
            return None
        match = request.resolver_match
        url_name = match.url_name if match else None
        if url_name and (url_name.startswith("mfa_") or url_name in MFA_SETUP_VIEWS):
            return None
        if is_mfa_enabled(request.user):
            return None
        messages.info(
            request,
            _(
                "Your role requires two-factor authentication. Set up an authenticator app "
                "to continue."
            ),
        )
        return redirect("mfa_activate_totp")

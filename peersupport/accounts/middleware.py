import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .scoping import requires_mfa

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}

# Session keys that hold times (epoch seconds): the login, and the person's last request.
LOGIN_AT_KEY = "login_at"
LAST_ACTIVITY_KEY = "last_activity"
# Last activity is written at most this often, so ordinary requests don't save the session.
LAST_ACTIVITY_RESOLUTION_SECONDS = 60

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


def start_session_clocks(session) -> None:
    now = int(time.time())
    session[LOGIN_AT_KEY] = now
    session[LAST_ACTIVITY_KEY] = now


class SessionTimeoutMiddleware:
    """Logs a person out after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request, and
    ``SESSION_COOKIE_AGE`` after login whatever they do.

    Django's own expiry moves forward each time the session is saved, so the absolute limit
    is kept here, from the login time. The login-required middleware then sends the person
    to the login page, which brings them back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at, last = session.get(LOGIN_AT_KEY), session.get(LAST_ACTIVITY_KEY)
            if login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out %(hours)s hours after logging in. Log in again.")
                    % {"hours": settings.SESSION_COOKIE_AGE // 3600},
                )
            elif last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES},
                )
            elif last is None or now - last >= LAST_ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

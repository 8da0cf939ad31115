import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.utils import is_mfa_enabled
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import PermissionDenied

from peersupport.audit.actions import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Accounts are created by invitation only."""
        return False

    def get_client_ip(self, request) -> str:
        """The address the audit log records, for rate limits and user sessions too (see
        ``TRUSTED_PROXY_COUNT``). allauth's own answers a header shorter than the proxy
        chain with a server error; this one falls back to the connection's address."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("The client's address is unknown.")
        return ip

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A staff user sent to set up MFA right after logging in is not asked again.

        The password was typed moments ago, within the reauthentication window; any
        later change to authenticators still asks for it.
        """
        if app == "allauth.mfa" and _first_mfa_setup_right_after_login():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _first_mfa_setup_right_after_login() -> bool:
    request = context.request
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_mfa_enabled(user):
        return False
    logins = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") == "password"
    ]
    return bool(logins) and time.time() - logins[-1] < account_settings.REAUTHENTICATION_TIMEOUT


class MFAAdapter(DefaultMFAAdapter):
    """Keeps MFA secrets encrypted at rest (allauth stores them in clear by default)."""

    def _fernet(self) -> Fernet:
        return Fernet(settings.MFA_ENCRYPTION_KEY.encode())

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()

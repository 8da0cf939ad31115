from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Accounts are created by invitation only."""
        return False


class MFAAdapter(DefaultMFAAdapter):
    """Keeps MFA secrets encrypted at rest (allauth stores them in clear by default)."""

    def _fernet(self) -> Fernet:
        return Fernet(settings.MFA_ENCRYPTION_KEY.encode())

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from peersupport.forms import PrivacyGuardedFormMixin

from .models import Role, User


class InviteForm(PrivacyGuardedFormMixin, forms.Form):
    identifying_fields_allowed = ("email",)
    person_name_fields = ("full_name",)

    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="sv"
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send invitation")))


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=None, empty_label=_("All regions")
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save password")))

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(_("The two passwords differ."))
        if password2:
            password_validation.validate_password(password2, self.user)
        return password2


class ProfileForm(PrivacyGuardedFormMixin, forms.ModelForm):
    person_name_fields = ("full_name",)

    class Meta:
        model = User
        fields = ["full_name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class PersonCorrectForm(PrivacyGuardedFormMixin, forms.Form):
    """A coordinator corrects a person's name, address or language."""

    identifying_fields_allowed = ("email",)
    person_name_fields = ("full_name",)

    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, person: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {"full_name": person.full_name, "email": person.email, "language": person.language},
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class EndMembershipForm(forms.Form):
    """Confirms ending a role; for a person's last role it offers to close the account."""

    close_account = forms.BooleanField(
        label=_("Close the account too (this is the person's last role)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, last_role: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not last_role:
            del self.fields["close_account"]

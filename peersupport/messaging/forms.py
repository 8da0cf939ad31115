from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.forms import PrivacyGuardedFormMixin


class MessageForm(PrivacyGuardedFormMixin, forms.Form):
    """A message to a group: no personal identity number, phone number or e-mail address
    in the subject or the text (the privacy guard)."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send")))

import re

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from accounts.models import User
from accounts.notifications import GROUPS, KINDS

PHONE = re.compile(r"\+?[0-9][0-9 ().-]{5,30}")


class StorableEmailMixin:
    """Refuse addresses too long to store: allauth would cut them short or fail to save them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_length = User._meta.get_field("email").max_length
        email = self.fields["email"]
        email.max_length = max_length
        email.validators.append(MaxLengthValidator(max_length))
        email.widget.attrs["maxlength"] = str(max_length)


class SignupForm(StorableEmailMixin, AllauthSignupForm):
    """allauth's sign-up with an optional invitation code (a friend's referral link fills it
    in); a code that cannot be used says why, and sign-up works without one."""

    referral_code = forms.CharField(
        label="Invitation code (optional)",
        required=False,
        max_length=40,
        help_text="From a friend's invitation link, if you have one.",
    )

    def clean_referral_code(self):
        from accounts.services import referral_for_code

        code = self.cleaned_data["referral_code"].strip()
        if code:
            referral, problem = referral_for_code(code)
            if referral is None:
                raise forms.ValidationError(problem)
        return code

    def custom_signup(self, request, user):
        from accounts.services import join_by_referral

        super().custom_signup(request, user)
        if self.cleaned_data.get("referral_code"):
            join_by_referral(self.cleaned_data["referral_code"], user)


class AddEmailForm(StorableEmailMixin, AllauthAddEmailForm):
    pass


class PrivateDataForm(forms.ModelForm):
    """The private fields only their owner sees (and staff, in the console)."""

    class Meta:
        model = User
        fields = ["last_name", "phone_number", "birth_date", "language_preference"]
        labels = {"language_preference": "Language"}
        help_texts = {
            "last_name": "Private. Other members see your first name only.",
            "phone_number": "Private: only you and Momento staff see it.",
            "birth_date": "Private. Momento is for adults (18 and over).",
        }
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def clean_phone_number(self):
        phone = self.cleaned_data["phone_number"].strip()
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError(
                "Enter a phone number with digits, spaces and an optional leading +."
            )
        return phone

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born is None:
            return born
        today = timezone.localdate()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if born > today:
            raise forms.ValidationError("Your birth date cannot be in the future.")
        if age < 18:
            raise forms.ValidationError("Momento is for adults: you must be 18 or over.")
        if age > 120:
            raise forms.ValidationError("Please check the year of your birth date.")
        return born


class NotificationPreferencesForm(forms.Form):
    """One "email me" switch per kind that can be turned off, grouped as on the page; in-app
    notifications are always on, and mandatory kinds are listed, not offered."""

    def __init__(self, *args, chosen: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():
            if kind.optional:
                self.fields[kind.key] = forms.BooleanField(
                    label=kind.label,
                    required=False,
                    initial=chosen.get(kind.key, kind.email_by_default),
                )

    def groups(self):
        """(group, [bound fields], [mandatory kinds]) in the registry's order."""
        return [
            (
                group,
                [self[k.key] for k in KINDS.values() if k.group == group and k.optional],
                [k for k in KINDS.values() if k.group == group and not k.optional],
            )
            for group in GROUPS
        ]


class ReferralForm(forms.Form):
    email = forms.EmailField(
        label="Your friend's email address", max_length=User._meta.get_field("email").max_length
    )

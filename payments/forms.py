from django import forms

from payments.models import Plan


class SubscribeForm(forms.Form):
    plan = forms.ChoiceField(choices=Plan.choices)


class LocalCheckoutForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("pay", "Pay"), ("decline", "Decline the card"), ("abandon", "Leave")]
    )


class LocalPortalForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("cancel", "Cancel at the period's end"), ("resume", "Resume"), ("end", "End now")]
    )

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.core.validators import MaxLengthValidator

from accounts.models import User


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
    pass


class AddEmailForm(StorableEmailMixin, AllauthAddEmailForm):
    pass

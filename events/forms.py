import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.models import username_is
from events import zones
from events.models import Attendance, Event
from momento.forms import Select, load_choices
from profiles import images
from profiles.models import City, HostProfile, Interest, SocialProfile

MAX_PARTICIPANTS = 50  # small groups
MAX_FEE = Decimal("500.00")
MAX_REFUND_CUTOFF = 24 * 30  # hours: a month
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Read and shown in the event's city zone (events/zones.py), not the site's.
WALL_TIMES = ("starts_at", "ends_at", "rsvp_deadline", "decision_deadline")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


class EventForm(forms.ModelForm):
    fee = forms.DecimalField(
        label="Booking fee (€)",
        min_value=Decimal("0"),
        max_value=MAX_FEE,
        decimal_places=2,
        initial=Decimal("0"),
        help_text="Paid online when a guest accepts. 0 makes the event free to book.",
    )
    image = images.ImageUploadField(
        label="Image", required=False, help_text="JPEG, PNG or WebP, up to 8 MB."
    )
    # One token per create form shown: submitting it twice makes one event (services.create_event).
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    tags = forms.ModelMultipleChoiceField(
        Interest.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Interests this event is for: they help the right people find it.",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "starts_at",
            "ends_at",
            "time_frame",
            "city",
            "location",
            "min_participants",
            "max_participants",
            "estimated_cost",
            "is_private",
            "is_business",
            "rsvp_deadline",
            "decision_deadline",
            "refund_cutoff_hours",
        ]
        labels = {
            "starts_at": "Starts",
            "ends_at": "Ends",
            "min_participants": "Minimum guests",
            "max_participants": "Maximum guests",
            "estimated_cost": "Estimated cost at the venue",
            "is_private": "Private: only the people I invite can take a seat",
            "is_business": "Business event",
            "rsvp_deadline": "RSVP deadline",
            "refund_cutoff_hours": "Refund cut-off, in hours before the start",
        }
        help_texts = {
            "is_business": "A work or networking event: it is marked Business, and people can "
            "look for business events in discovery.",
            "time_frame": "In words, e.g. “Friday evening, about three hours”.",
            "location": "The exact address. For a private event only confirmed guests see it.",
            "min_participants": "The event is cancelled if fewer confirm by the decision deadline.",
            "estimated_cost": "What guests should expect to spend there, e.g. “about €30”.",
            "rsvp_deadline": "Invitations not answered by then expire. Empty: the start.",
            "decision_deadline": "When the minimum must be reached. Empty: the start.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "rsvp_deadline": DateTimeInput(),
            "decision_deadline": DateTimeInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].empty_label = "Choose a city"
        self.fields["min_participants"].min_value = 1
        self.fields["max_participants"].max_value = MAX_PARTICIPANTS
        for name in ("min_participants", "max_participants"):
            self.fields[name].widget.attrs.update(min=1, max=MAX_PARTICIPANTS)
            self.fields[name].validators.append(_between(1, MAX_PARTICIPANTS))
        cutoff = self.fields["refund_cutoff_hours"]
        cutoff.required = False  # empty: the default, 48 hours
        cutoff.widget.attrs.update(min=0, max=MAX_REFUND_CUTOFF)
        cutoff.validators.append(_between(0, MAX_REFUND_CUTOFF))
        if not self.instance.pk and not self.is_bound:
            self.fields["form_token"].initial = uuid.uuid4()
        if self.instance.pk:
            for name in WALL_TIMES:
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = zones.to_wall_time(value, self.instance.zone)
            self.fields["fee"].initial = Decimal(self.instance.fee_cents) / 100
            self.fields["tags"].initial = self.instance.tags.all()
        if self.instance.image_large:  # an image to replace, not the first one
            self.fields["image"].label = "Replace the image"

    def clean(self):
        data = super().clean()
        self._read_in_city_zone(data)
        now = timezone.now()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and starts <= now:
            self.add_error("starts_at", "The event must start in the future.")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        low, high = data.get("min_participants"), data.get("max_participants")
        if low and high and low > high:
            self.add_error("min_participants", "The minimum can't be above the maximum.")
        for name in ("rsvp_deadline", "decision_deadline"):
            deadline = data.get(name)
            if deadline and starts and deadline > starts:
                self.add_error(name, "This deadline must be before the event starts.")
            elif deadline and deadline <= now:
                self.add_error(name, "This deadline must be in the future.")
        return data

    def _read_in_city_zone(self, data: dict) -> None:
        """The times were typed in the chosen city's zone: now that the city is known, turn
        them into UTC instants. Without a valid city the form is refused anyway."""
        city = data.get("city")
        for name in WALL_TIMES:
            value = data.get(name)
            if value is None:
                continue
            if city is None:
                del data[name]  # no instant without a zone; the city's own error says why
                continue
            try:
                data[name] = zones.from_wall_time(timezone.localtime(value), city.zone)
            except zones.WallTimeError as error:
                del data[name]
                self.add_error(name, str(error))

    def service_fields(self) -> dict:
        """What the services take: the model's fields, the fee in cents, tags and image."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields}
        fields["fee_cents"] = int(data["fee"] * 100)
        if fields["refund_cutoff_hours"] is None:
            fields["refund_cutoff_hours"] = Event.DEFAULT_REFUND_CUTOFF_HOURS
        if not self.instance.pk and data.get("form_token"):
            fields["creation_token"] = data["form_token"]
        return {**fields, "tags": data["tags"], "image": data["image"]}


def _between(low: int, high: int):
    def validate(value):
        if value is not None and not low <= value <= high:
            raise forms.ValidationError(f"Choose a number from {low} to {high}.")

    return validate


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your guests receive this in the cancellation email.",
        error_messages={"required": "Tell your guests why the event is cancelled."},
    )


class RemoveGuestForm(forms.Form):
    reason = forms.CharField(
        label="Why are you removing this guest?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your guest receives this by email.",
        error_messages={"required": "Tell your guest why their seat is cancelled."},
    )


INVITE_YOURSELF = "You host this event: you can't invite yourself."


class InviteForm(forms.Form):
    """Invite someone by username, from the event's guest page."""

    username = forms.CharField(label="Username", max_length=150)

    def __init__(self, *args, host: HostProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.host = host

    def clean_username(self):
        username = self.cleaned_data["username"].strip().lstrip("@")
        if username.lower() == self.host.user.username.lower():
            raise forms.ValidationError(INVITE_YOURSELF)
        people = SocialProfile.objects.visible_to(self.host.user.social_profile)
        profile = (
            people.filter(username_is(username, path="user__username"))
            .select_related("user")
            .first()
        )
        if profile is None:
            raise forms.ValidationError("There is no member with this username.")
        return profile


class InviteToEventForm(forms.Form):
    """Invite a person to one of my events, from their profile."""

    event = forms.ModelChoiceField(Event.objects.none(), empty_label="Choose an event")

    def __init__(self, *args, host: HostProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.hosted_by(host).open().upcoming()
        load_choices(self)


class DiscoverForm(forms.Form):
    PRICES = [("", "Free or paid"), ("free", "Free"), ("paid", "Paid")]
    KINDS = [("", "Any kind"), ("social", "Social"), ("business", "Business")]

    city = forms.ModelChoiceField(
        City.objects.all(), required=False, empty_label="Any city", widget=Select
    )
    starts_after = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_before = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tag = forms.ModelChoiceField(
        Interest.objects.all(), required=False, empty_label="Any tag", widget=Select
    )
    price = forms.ChoiceField(choices=PRICES, required=False, widget=Select)
    kind = forms.ChoiceField(choices=KINDS, required=False, widget=Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        load_choices(self)

    def clean(self):
        data = super().clean()
        after, before = data.get("starts_after"), data.get("starts_before")
        if after and before and before < after:
            self.add_error("starts_before", "The end of the range is before its start.")
        return data


class HostAttendanceForm(forms.Form):
    """The host's report, one choice per confirmed guest (named by the guest's profile id),
    pre-filled from the record (check-in writes attended); every guest needs one."""

    def __init__(self, data=None, *, rows):
        super().__init__(data)
        self.rows = rows
        for row in rows:
            name = row.profile.display_name
            self.fields[f"guest-{row.profile_id}"] = forms.ChoiceField(
                label=name,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=row.reported,
                error_messages={"required": f"Choose attended, late or no-show for {name}."},
            )

    def guests(self) -> list:
        return [(row, self[f"guest-{row.profile_id}"]) for row in self.rows]

    def statuses(self) -> dict:
        return {row.profile_id: self.cleaned_data[f"guest-{row.profile_id}"] for row in self.rows}


class OthersAttendanceForm(forms.Form):
    """An attendee's word on the others the host reported: optional per person, final once
    sent, so only those not yet reported on by this attendee get a field."""

    NOT_SURE = ("", "Not sure")

    def __init__(self, data=None, *, rows):
        super().__init__(data)
        self.rows = [row for row in rows if row.mine is None]
        for row in self.rows:
            self.fields[f"guest-{row.profile_id}"] = forms.ChoiceField(
                label=row.profile.display_name,
                choices=[self.NOT_SURE, *Attendance.Status.choices],
                widget=forms.RadioSelect,
                required=False,
            )

    def guests(self) -> list:
        return [(row, self[f"guest-{row.profile_id}"]) for row in self.rows]

    def clean(self):
        if self.rows and not self.statuses():
            raise forms.ValidationError("Choose attended, late or no-show for at least one person.")
        return self.cleaned_data

    def statuses(self) -> dict:
        return {
            row.profile_id: status
            for row in self.rows
            if (status := self.cleaned_data.get(f"guest-{row.profile_id}"))
        }


class DisputeForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened",
        choices=[
            (Attendance.Status.ATTENDED, "I was there"),
            (Attendance.Status.LATE, "I was there, late"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you were there on time or late."},
    )


class CheckInForm(forms.Form):
    """A ticket code as the host types it; the check-in service reads it (events/tickets.py)."""

    code = forms.CharField(
        label="Ticket code",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "placeholder": "ABCD-2345",
                "autofocus": True,
            }
        ),
    )


class RunningLateForm(forms.Form):
    minutes = forms.TypedChoiceField(
        choices=[(minutes, f"{minutes} min") for minutes in (5, 10, 15, 30)], coerce=int
    )


STARS = [(n, f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)]


class RatingForm(forms.Form):
    host_rating = forms.TypedChoiceField(
        label="The host", choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    event_rating = forms.TypedChoiceField(
        label="The event", choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="A comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on the host's page, without your name, once the ratings are published.",
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your reply",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown under the comment on your host page. You can reply once.",
    )


class MeetAgainForm(forms.Form):
    """The people one would meet again, among `candidates` (the event's other attendees, as
    already loaded by the view: the choices never query)."""

    chosen = forms.MultipleChoiceField(
        label="People you would meet again", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates: list[SocialProfile], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(person.pk): person for person in candidates}
        self.fields["chosen"].choices = [
            (pk, person.display_name) for pk, person in self.candidates.items()
        ]

    def chosen_profiles(self) -> list[SocialProfile]:
        return [self.candidates[pk] for pk in self.cleaned_data["chosen"]]

from django import forms

from momento.forms import Select, load_choices
from profiles import images
from profiles.models import City, HostProfile, Interest, Mood, Report, SocialProfile
from profiles.services import MAX_MOODS, PROFILE_FIELDS


class AboutForm(forms.ModelForm):
    class Meta:
        model = SocialProfile
        fields = PROFILE_FIELDS
        help_texts = {
            "first_name": "Shown to other members.",
            "preferred_name": "What people should call you, if not your first name.",
            "bio": "A few lines about you: what you enjoy, what you are curious about.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}


class PhotoForm(forms.Form):
    image = images.ImageUploadField(label="Add a photo", help_text="JPEG, PNG or WebP, up to 8 MB.")


class CoverForm(forms.Form):
    image = images.ImageUploadField(
        label="Cover image", help_text="A wide picture for the top of your profile."
    )


class InterestsForm(forms.Form):
    interests = forms.ModelMultipleChoiceField(
        Interest.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    moods = forms.ModelMultipleChoiceField(
        Mood.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=f"How you feel these days: up to {MAX_MOODS}.",
    )

    def clean_moods(self):
        moods = self.cleaned_data["moods"]
        if len(moods) > MAX_MOODS:
            raise forms.ValidationError(f"Choose at most {MAX_MOODS} moods.")
        return moods


class CityForm(forms.Form):
    city = forms.ModelChoiceField(City.objects.all(), empty_label="Choose a city")


class HostProfileForm(forms.ModelForm):
    class Meta:
        model = HostProfile
        fields = ["host_name", "host_bio"]
        labels = {"host_name": "Host name", "host_bio": "About you as a host"}
        help_texts = {"host_name": "The name guests see on your events."}
        widgets = {"host_bio": forms.Textarea(attrs={"rows": 5})}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason for your report."},
    )
    note = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Only our moderators read this. Nobody is told who reported them.",
    )


class BrowseForm(forms.Form):
    city = forms.ModelChoiceField(
        City.objects.all(), required=False, empty_label="Any city", widget=Select
    )
    interest = forms.ModelChoiceField(
        Interest.objects.all(), required=False, empty_label="Any interest", widget=Select
    )
    mood = forms.ModelChoiceField(
        Mood.objects.all(), required=False, empty_label="Any mood", widget=Select
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        load_choices(self)

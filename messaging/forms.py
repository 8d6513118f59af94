from django import forms

from messaging.models import MESSAGE_MAX_LENGTH, POST_MAX_LENGTH, MessagingSettings, PostReport
from profiles.forms import ReportForm


class PostForm(forms.Form):
    content = forms.CharField(
        label="Your post",
        max_length=POST_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "data-counter": ""}),
        help_text=(
            f"At most {POST_MAX_LENGTH:,} characters. Signed with your role (Host, Attendee or "
            "Invitee), never your name."
        ),
        error_messages={
            "required": "Write something first.",
            "max_length": f"A post is at most {POST_MAX_LENGTH:,} characters.",
        },
    )


class PostReportForm(ReportForm):
    reason = forms.ChoiceField(
        choices=PostReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason for your report."},
    )
    note = forms.CharField(
        label="What is wrong with this post?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Only our moderators read this. Nobody is told who reported the post.",
    )


class MessageForm(forms.Form):
    content = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "data-counter": ""}),
        error_messages={
            "required": "Write something first.",
            "max_length": f"A message is at most {MESSAGE_MAX_LENGTH:,} characters.",
        },
    )


class WhoCanMessageForm(forms.Form):
    who_can_message = forms.ChoiceField(
        label="Who can start a conversation with you",
        choices=MessagingSettings.Who.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who can message you.",
            "invalid_choice": "Choose who can message you.",
        },
    )


class MessageReportForm(PostReportForm):
    note = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Only our moderators read this. Nobody is told who reported them.",
    )

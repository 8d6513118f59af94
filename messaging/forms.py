from django import forms

from messaging.models import POST_MAX_LENGTH, PostReport
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

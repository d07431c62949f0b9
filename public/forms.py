"""Forms of the public window (the resident's suggestion) and of its answering."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import GapFillingPlan

from .choices import SuggestionCategory
from .models import ANSWER_MAX_LENGTH, TEXT_MAX_LENGTH, TEXT_MIN_LENGTH

PHONE_NUMBER = RegexValidator(
    r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$",
    _("Enter a mobile number (11 digits) or a landline with its area code."),
)


class SuggestionForm(forms.Form):
    """What a resident sends: a category, the text and, if they want a reply, a phone."""

    category = forms.ChoiceField(label=_("What is it about?"), choices=SuggestionCategory.choices)
    text = forms.CharField(
        label=_("Your suggestion"),
        min_length=TEXT_MIN_LENGTH,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX_LENGTH}),
    )
    phone = forms.CharField(
        label=_("Phone for a reply (optional)"),
        required=False,
        max_length=20,
        validators=[PHONE_NUMBER],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the subdistrict answering you sees it; it is never published."),
    )
    # Left empty by people; filled in by robots that fill in every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the reader's language, not once when the module is loaded.
        self.fields["text"].help_text = gettext(
            "At most %(count)s characters. Do not write names, phone numbers or ID numbers here."
        ) % {"count": TEXT_MAX_LENGTH}

    def clean_phone(self):
        return self.cleaned_data["phone"].replace("-", "").strip()

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def _answer_field(label):
    return forms.CharField(
        label=label,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published with the suggestion; write no names or phone numbers."),
    )


class ReleaseForm(forms.Form):
    """The held text, cleared of personal data, to be answered."""

    text = forms.CharField(
        label=_("Text as it may be published"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        if suggestion is not None:
            self.fields["text"].initial = suggestion.text


class AnswerForm(forms.Form):
    """An answer to a suggestion."""

    answer = _answer_field(_("Answer"))

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)


class AcceptForm(AnswerForm):
    """An answer that takes the suggestion up, optionally naming the community's plan."""

    plan = forms.ModelChoiceField(
        label=_("Plan that takes it up"), queryset=GapFillingPlan.objects.none(), required=False
    )

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        if suggestion is not None:
            self.fields["plan"].queryset = GapFillingPlan.objects.filter(
                community_id=suggestion.community_id
            ).order_by("-year", "pk")


class DeclineForm(forms.Form):
    """Why the suggestion is not adopted."""

    answer = _answer_field(_("Reason it is not adopted"))

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)

"""Forms of the operations app; they parse input, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.choices import FacilityType
from communities.models import Community, Facility, Subdistrict
from communities.widgets import SearchSelect
from projects.models import FutureCommunityProject

from .choices import OperationKind
from .models import KIND_FIELDS, OperatingContract, Operator, SatisfactionScore
from .selectors import active_scheme_weights
from .validators import validate_month, validate_period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OperatorForm(forms.ModelForm):
    """An operator's name, credit code, contact and the facility types it runs."""

    facility_types = forms.MultipleChoiceField(
        label=_("Facility types it runs"),
        choices=FacilityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Operator
        fields = ["name", "credit_code", "contact_person", "phone", "facility_types"]

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()


class ContractForm(forms.ModelForm):
    """A contract's operator, facilities, term and fee; staff sign for their own subdistrict."""

    subdistrict = forms.ModelChoiceField(
        label=_("Subdistrict"), queryset=Subdistrict.objects.none()
    )
    facilities = forms.ModelMultipleChoiceField(
        label=_("Facilities"),
        queryset=Facility.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "A facility may be under only one contract at a time. Hold Ctrl (⌘ on a Mac) to "
            "choose several."
        ),
    )

    class Meta:
        model = OperatingContract
        fields = [
            "subdistrict",
            "operator",
            "title",
            "service_level",
            "starts_on",
            "ends_on",
            "annual_fee",
            "facilities",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "operator": SearchSelect("operations:operator_search"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who may sign contracts open this form: the subdistricts they see are the
        # ones they sign for (their own, or any for an assessor).
        subdistricts = Subdistrict.objects.restrict(user)
        self.fields["subdistrict"].queryset = subdistricts
        if len(subdistricts) == 1:
            self.fields["subdistrict"].initial = subdistricts[0].pk
        self.fields["facilities"].queryset = (
            Facility.objects.restrict(user)
            .select_related("community__subdistrict")
            .order_by("community__subdistrict__code", "community__code", "facility_type")
        )
        self.fields["facilities"].label_from_instance = lambda f: (
            f"{f.community.subdistrict} · {f.community} · {f.name}"
        )
        if self.instance.pk:
            self.fields["subdistrict"].disabled = True
            self.fields["subdistrict"].initial = self.instance.subdistrict_id
            self.initial["facilities"] = list(self.instance.facilities.values_list("pk", flat=True))

    def _post_clean(self):
        # The service validates the whole contract under its lock; nothing is set here.
        pass


class AssessmentForm(forms.Form):
    """The subject (future community or contract), period, five scores and comments."""

    project = forms.ModelChoiceField(
        label=_("Future community"),
        queryset=FutureCommunityProject.objects.none(),
        required=False,
        help_text=_("Assess either a future community or an operating contract, not both."),
        widget=SearchSelect("projects:future_search"),
    )
    contract = forms.ModelChoiceField(
        label=_("Operating contract"),
        queryset=OperatingContract.objects.none(),
        required=False,
        widget=SearchSelect("operations:contract_search"),
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        validators=[validate_period],
        help_text=_("e.g. 2025 or 2025-H1"),
    )
    comments = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        weights = active_scheme_weights()
        for kind in OperationKind:
            self.fields[f"score_{KIND_FIELDS[kind]}"] = forms.DecimalField(
                label=kind.label,
                max_digits=5,
                decimal_places=2,
                help_text=_("0–100, weight %(weight)s") % {"weight": weights.get(kind, "—")},
            )
        if editing:
            for name in ("project", "contract", "period"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        self.fields["project"].queryset = FutureCommunityProject.objects.restrict(
            user
        ).select_related("community")
        self.fields["contract"].queryset = OperatingContract.objects.restrict(user)
        # Put the comments last, after the scores.
        self.order_fields([name for name in self.fields if name != "comments"] + ["comments"])

    def clean(self):
        cleaned = super().clean()
        if not self.fields["project"].disabled and bool(cleaned.get("project")) == bool(
            cleaned.get("contract")
        ):
            raise forms.ValidationError(
                _("Choose either a future community or an operating contract.")
            )
        return cleaned

    def scores(self) -> dict:
        """The five scores by operation kind."""
        return {kind: self.cleaned_data[f"score_{field}"] for kind, field in KIND_FIELDS.items()}


class SatisfactionForm(forms.ModelForm):
    """A community's satisfaction score for a period."""

    class Meta:
        model = SatisfactionScore
        fields = ["community", "period", "score", "respondents"]
        widgets = {"community": SearchSelect("communities:community_search")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.restrict(user)

    def _post_clean(self):
        # The service records or corrects the score for the community and period.
        pass


class SurveyUploadForm(forms.Form):
    """The survey workbook to import."""

    file = forms.FileField(label=_("Survey workbook (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the survey as an Excel .xlsx workbook."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The workbook is larger than 5 MB."))
        return upload


class ReportRequestForm(forms.Form):
    """The month a supervision report should cover."""

    period = forms.CharField(
        label=_("Month"), max_length=7, validators=[validate_month], help_text=_("e.g. 2025-06")
    )

"""Forms of the plan pages and the admin's transition buttons; services do the saving."""

from decimal import Decimal

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.choices import FacilityType, Route, SpaceAvailability
from communities.models import Community, SpaceResource

from .choices import FUTURE_STAGE_ORDER, FutureStage, OpinionDecision, PlanState
from .models import (
    MAX_INVESTMENT,
    BlockUnit,
    FutureCommunityProject,
    GapFillingPlan,
    PlanLineItem,
)
from .services.plans import PLAN_FIELDS
from .uploads import ALLOWED_EXTENSIONS, validate_attachment

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money_field(label):
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.00"),
        max_value=MAX_INVESTMENT,
    )


class PlanForm(forms.ModelForm):
    """A plan's content; the state and the approval fields are not on it at all."""

    spaces = forms.ModelMultipleChoiceField(
        label=_("Landing spaces"),
        queryset=SpaceResource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Available spaces of your subdistrict not allocated to another plan."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, PNG, JPEG or Office file."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )

    class Meta:
        model = GapFillingPlan
        fields = ["community", *PLAN_FIELDS]

    def __init__(self, *args, subdistrict, **kwargs):
        super().__init__(*args, **kwargs)
        planned = GapFillingPlan.objects.exclude(state=PlanState.WITHDRAWN)
        if self.instance.pk:
            planned = planned.exclude(pk=self.instance.pk)
        self.fields["community"].queryset = Community.objects.filter(
            subdistrict=subdistrict, route=Route.GAP
        ).exclude(pk__in=planned.values("community_id"))
        self.fields["community"].help_text = _(
            "Gap-filling communities of your subdistrict that have no plan under way."
        )
        self.fields["community"].error_messages["invalid_choice"] = _(
            "Choose a gap-filling community of your subdistrict; this one already has a plan "
            "under way (revise that plan instead) or is not on the gap-filling route."
        )
        if self.instance.pk:
            self.fields["community"].disabled = True
        plan_filter = {"allocations__plan": self.instance} if self.instance.pk else {"pk": None}
        free = SpaceResource.objects.filter(
            community__subdistrict=subdistrict, availability=SpaceAvailability.AVAILABLE
        ).exclude(allocations__is_active=True)
        mine = SpaceResource.objects.filter(allocations__is_active=True, **plan_filter)
        # The plan's own spaces first, so that what is ticked shows at the top of the list.
        self.fields["spaces"].queryset = (
            (free | mine)
            .distinct()
            .select_related("community")
            .annotate(
                taken_here=Case(
                    When(pk__in=mine.values("pk"), then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("taken_here", "community__code", "name")
        )
        self.fields["spaces"].label_from_instance = lambda space: (
            f"{space.community.name} · {space.name} ({space.get_kind_display()}, {space.area} m²)"
        )
        if self.instance.pk:
            self.initial["spaces"] = list(
                self.instance.space_allocations.filter(is_active=True).values_list(
                    "space_id", flat=True
                )
            )

    def clean(self):
        data = super().clean()
        total, fee = data.get("total_investment"), data.get("policy_fee")
        if total is not None and fee is not None and fee > total:
            self.add_error(
                "policy_fee",
                _("The policy handling fee %(fee)s cannot exceed the total investment %(total)s.")
                % {"fee": f"{fee:,.2f}", "total": f"{total:,.2f}"},
            )
        return data

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            validate_attachment(upload)
        return upload


class LineItemForm(forms.ModelForm):
    """One facility the plan builds."""

    class Meta:
        model = PlanLineItem
        fields = ["facility_type", "floor_area", "investment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The table's column headers label the cells for the eye; screen readers need each
        # field to name itself, numbered by its row.
        row = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        for field in self.fields.values():
            label = str(field.label)
            field.widget.attrs["aria-label"] = f"{label} {int(row) + 1}" if row.isdigit() else label


class BaseLineItemFormSet(BaseInlineFormSet):
    """The line items, as the service wants them: a list of dicts with the kept rows' keys."""

    def service_items(self) -> list[dict]:
        items = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            item = {name: data[name] for name in ("facility_type", "floor_area", "investment")}
            item["pk"] = data["id"].pk if data.get("id") else None
            items.append(item)
        return items


LineItemFormSet = inlineformset_factory(
    GapFillingPlan,
    PlanLineItem,
    form=LineItemForm,
    formset=BaseLineItemFormSet,
    extra=2,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


class AttachmentForm(forms.Form):
    """One more document for a plan."""

    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG or Office file."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_attachment(upload)
        return upload


class ProgressForm(forms.Form):
    """A construction progress update."""

    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    on_date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(forms.Form):
    """Construction complete: the date and a note."""

    on_date = forms.DateField(
        label=_("Completion date"), widget=DATE_INPUT, initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    """A transition that needs the reasons (return) or allows a comment."""

    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class CommentForm(forms.Form):
    """A transition with an optional comment."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpinionForm(forms.Form):
    """A department's opinion in the joint review."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=OpinionDecision.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ApproveForm(forms.Form):
    """The approval (批复): document number and date."""

    approval_number = forms.CharField(label=_("Approval document number"), max_length=100)
    approval_date = forms.DateField(
        label=_("Approval date"), widget=DATE_INPUT, initial=timezone.localdate
    )


class AcceptForm(forms.Form):
    """The acceptance (验收): date and settled investment."""

    acceptance_date = forms.DateField(
        label=_("Acceptance date"), widget=DATE_INPUT, initial=timezone.localdate
    )
    settled_investment = _money_field(_("Settled investment (yuan)"))


class AdvanceForm(forms.Form):
    """A future-community project's next stage and the date it was reached."""

    to_stage = forms.ChoiceField(label=_("Next stage"), choices=FutureStage.choices)
    on_date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    comment = forms.CharField(label=_("Comment"), required=False)

    def __init__(self, *args, project: FutureCommunityProject, **kwargs):
        super().__init__(*args, **kwargs)
        index = FUTURE_STAGE_ORDER.index(project.stage)
        following = FUTURE_STAGE_ORDER[index + 1 : index + 2]
        self.fields["to_stage"].choices = [
            (value, label) for value, label in FutureStage.choices if value in following
        ]


class BlockUnitForm(forms.ModelForm):
    """A planned unit with the facility types it will house, as check boxes."""

    facility_types = forms.MultipleChoiceField(
        label=_("Facility types"),
        choices=FacilityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = BlockUnit
        fields = ["number", "name", "facility_types"]

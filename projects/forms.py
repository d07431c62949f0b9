"""Forms of the plan pages and the admin's transition buttons; services do the saving."""

from decimal import Decimal

from django import forms
from django.db.models import Case, Value, When
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from communities.choices import DepartmentCode, FacilityType
from communities.models import Community, Department, SpaceResource

from . import selectors
from .choices import FutureStage, OpinionDecision, Scenario, ScenarioState, scenario_order
from .models import (
    MAX_INVESTMENT,
    BlockUnit,
    FutureCommunityProject,
    FutureScenario,
    GapFillingPlan,
    PlanLineItem,
)
from .services import PLAN_FIELDS
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


class SpaceCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Landing spaces as check boxes; a space another live plan holds is shown but cannot be
    ticked."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        space = getattr(value, "instance", None)
        if getattr(space, "taken_by", None) and not selected:
            option["attrs"]["disabled"] = True
        return option


def space_label(space) -> str:
    """A space as the clerk chooses it: name, area and kind, and the plan that holds it if any."""
    label = _("%(name)s · %(area)s m² · %(kind)s") % {
        "name": space.name,
        "area": f"{space.area:,.2f}",
        "kind": space.get_kind_display(),
    }
    if getattr(space, "taken_by", None):
        label += " " + _("(allocated to the plan “%(plan)s”)") % {"plan": space.taken_by}
    return label


class PlanForm(forms.ModelForm):
    """A plan's content; the state and the approval fields are not on it at all."""

    spaces = forms.ModelMultipleChoiceField(
        label=_("Landing spaces"),
        queryset=SpaceResource.objects.none(),
        required=False,
        widget=SpaceCheckboxSelectMultiple,
        help_text=_(
            "Available spaces of the plan's community; a space another plan holds says so and "
            "cannot be ticked."
        ),
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

    def __init__(self, *args, subdistrict, pending: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = None
        if pending:
            self.show_pending(pending)
        community = self.fields["community"]
        community.queryset = selectors.plan_communities(subdistrict=subdistrict, plan=self.instance)
        community.error_messages["invalid_choice"] = _(
            "Choose a gap-filling community of your subdistrict; this one already has a plan "
            "under way (revise that plan instead) or is not on the gap-filling route."
        )
        if self.instance.pk:
            community.disabled = True
        elif not community.queryset.exists():
            community.help_text = format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "No community can be chosen: every gap-filling community of your subdistrict "
                    "already has a plan under way. Revise that plan, or withdraw it to draft "
                    "a new one."
                ),
                reverse("projects:plan_list"),
                _("Open the plan list"),
            )
        self.community = self.chosen_community()
        spaces = self.fields["spaces"]
        spaces.queryset = selectors.space_choices(community=self.community, plan=self.instance)
        spaces.label_from_instance = space_label
        spaces.empty_text = (
            _("This community has no available landing space.")
            if self.community
            else _("Choose the community first; its landing spaces are then listed here.")
        )
        if self.instance.pk:
            self.initial["spaces"] = list(
                self.instance.space_allocations.filter(is_active=True).values_list(
                    "space_id", flat=True
                )
            )

    def show_pending(self, pending: dict) -> None:
        """Name the file kept from the last try and offer to remove it."""
        self.pending = pending
        self.fields["attachment"].help_text = _(
            "Kept from your last try: “%(name)s”, attached when the plan is saved. Choose "
            "another file to replace it."
        ) % {"name": pending["name"]}
        self._bound_fields_cache.pop("attachment", None)  # a bound field copies its help text
        self.fields["remove_pending"] = forms.BooleanField(
            label=_("Remove the kept file “%(name)s”") % {"name": pending["name"]},
            required=False,
        )

    def chosen_community(self) -> Community | None:
        """The community the plan is for: its own, the one posted, or the one asked for."""
        if self.instance.pk:
            return self.instance.community
        value = self.data.get("community") if self.is_bound else self.initial.get("community")
        if isinstance(value, Community):
            return value
        try:
            return self.fields["community"].queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

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


class NumberedFieldsMixin:
    """A table's column headers label its cells for the eye; screen readers need each field to
    name itself, numbered by its row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        for field in self.fields.values():
            label = str(field.label)
            field.widget.attrs["aria-label"] = f"{label} {int(row) + 1}" if row.isdigit() else label


class LineItemForm(NumberedFieldsMixin, forms.ModelForm):
    """One facility the plan builds."""

    class Meta:
        model = PlanLineItem
        fields = ["facility_type", "floor_area", "investment"]


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


class DetachForm(forms.Form):
    """Which of the plan's documents to remove."""

    attachment = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        # The service takes the attachment's key.
        data = super().clean()
        return {"attachment_id": data["attachment"]} if "attachment" in data else data


class WithdrawForm(forms.Form):
    """Why the plan is withdrawn (the task force is told)."""

    reason = forms.CharField(label=_("Reasons"), max_length=500, required=False)


class ProgressForm(forms.Form):
    """A construction progress update."""

    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    on_date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False)


class CompleteForm(forms.Form):
    """Construction complete: the date and a note. Its fields' ids differ from the progress
    form's, which the plan page shows beside it."""

    on_date = forms.DateField(
        label=_("Completion date"), widget=DATE_INPUT, initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_complete_%s")
        super().__init__(*args, **kwargs)


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
        following = selectors.next_stage(project)
        self.fields["to_stage"].choices = [
            (value, label) for value, label in FutureStage.choices if value == following
        ]


class ScenarioInlineForm(NumberedFieldsMixin, forms.ModelForm):
    """One scenario of the admin's inline table."""

    class Meta:
        model = FutureScenario
        fields = ["scenario", "planned_content"]
        widgets = {"planned_content": forms.Textarea(attrs={"rows": 2, "cols": 60})}


class ScenarioPlanForm(forms.Form):
    """What the project builds in each of the nine scenarios; a scenario left empty is not
    planned."""

    def __init__(self, *args, project: FutureCommunityProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = {row.scenario: row for row in project.scenarios.all()}
        for code, label in Scenario.choices:
            row = self.rows.get(code)
            self.fields[code] = forms.CharField(
                label=label,
                required=False,
                max_length=1000,
                initial=row.planned_content if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("State now: %(state)s") % {"state": row.get_state_display()}
                if row
                else "",
            )

    def clean(self):
        data = super().clean()
        for code in Scenario.values:
            row = self.rows.get(code)
            if row and row.state != ScenarioState.PLANNED and not (data.get(code) or "").strip():
                self.add_error(
                    code,
                    _(
                        "This scenario is already reported built and cannot be dropped; keep its "
                        "planned content."
                    ),
                )
        # The service takes the list of scenarios planned.
        return {
            "scenarios": [
                {"scenario": code, "planned_content": data[code].strip()}
                for code in Scenario.values
                if (data.get(code) or "").strip()
            ]
        }


class ScenarioBuiltForm(forms.Form):
    """The scenarios of the project that are built, as the subdistrict reports them."""

    built = forms.MultipleChoiceField(
        label=_("Scenarios built"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "Tick each scenario whose construction is finished; untick one reported by mistake."
        ),
    )

    def __init__(self, *args, project: FutureCommunityProject, **kwargs):
        super().__init__(*args, **kwargs)
        rows = sorted(project.scenarios.all(), key=scenario_order)
        self.fields["built"].choices = [(row.scenario, row.get_scenario_display()) for row in rows]
        self.fields["built"].initial = [
            row.scenario for row in rows if row.state == ScenarioState.BUILT
        ]


def _document_field():
    return forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, PNG, JPEG or Office file; give it or the document number, or both."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )


class DocumentMixin:
    """A record's document: checked here as the service checks it, so a wrong file is named
    by the form."""

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            validate_attachment(upload)
        return upload


class DigitalReviewForm(DocumentMixin, forms.Form):
    """The 融媒体中心's opinion on a project's digital plan, with its document."""

    verdict = forms.ChoiceField(
        label=_("Opinion"),
        choices=OpinionDecision.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed with conditions or a disagreement."),
    )
    reviewed_on = forms.DateField(
        label=_("Date of the opinion"), widget=DATE_INPUT, initial=timezone.localdate
    )
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    document = _document_field()

    def __init__(self, *args, project: FutureCommunityProject | None = None, **kwargs):
        super().__init__(*args, **kwargs)


class UnitCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Units as check boxes, each with Bootstrap's class."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)


class JointAcceptanceForm(DocumentMixin, forms.Form):
    """The joint acceptance: its day, the lead unit, the units taking part and the document."""

    on_date = forms.DateField(
        label=_("Acceptance date"), widget=DATE_INPUT, initial=timezone.localdate
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Department.objects.none())
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating units"),
        queryset=Department.objects.none(),
        widget=UnitCheckboxSelectMultiple,
        help_text=_(
            "Cixi Urban Investment Group takes part by default; tick the other departments that "
            "did."
        ),
    )
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    document = _document_field()
    comment = forms.CharField(label=_("Comment"), required=False)

    def __init__(self, *args, project: FutureCommunityProject | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # 慈溪城投集团 and 市住建局 first: they take part in every joint acceptance.
        first = Case(
            When(code=DepartmentCode.URBAN_INVESTMENT, then=Value(0)),
            When(code=DepartmentCode.HOUSING, then=Value(1)),
            default=Value(2),
        )
        units = Department.objects.exclude(code=DepartmentCode.TASKFORCE).order_by(first, "code")
        self.fields["lead_unit"].queryset = units
        self.fields["participants"].queryset = units
        # Policy §七(一): 市住建局 leads with 慈溪城投集团 and the departments concerned.
        by_code = {unit.code: unit.pk for unit in units}
        self.fields["lead_unit"].initial = by_code.get(DepartmentCode.HOUSING)
        self.fields["participants"].initial = [by_code.get(DepartmentCode.URBAN_INVESTMENT)]


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

"""Admin: joint review and approval of plans, future-community stages, development blocks.

Plans are read-only here; every change of state goes through a button that calls a service,
and no admin form has a ``state`` field.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.admin import PortalHistoryAdmin, ScopedModelAdmin, WritersOnlyMixin
from communities.choices import Route
from communities.lifecycle import ADMIN
from communities.mixins import add_service_errors
from communities.models import Community
from communities.roles import Role, has_role
from communities.templatetags.portal import yuan

from . import selectors, services
from .forms import BlockUnitForm, ScenarioInlineForm
from .lifecycles import FUTURE, PLAN
from .models import (
    BlockUnit,
    DevelopmentBlock,
    DigitalPlanReview,
    FutureCommunityProject,
    FutureScenario,
    GapFillingPlan,
    JointAcceptance,
    PlanAttachment,
    PlanLineItem,
    ReviewOpinion,
    StatusChange,
)


def money_column(model, field_name: str):
    """An admin column or read-only field that prints a money field as 1,234,567.89."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def show(self, obj):
        return yuan(getattr(obj, field_name))

    return show


def person_column(model, field_name: str):
    """An admin column or read-only field that names the user by the person's full name."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name)
    def show(self, obj):
        user = getattr(obj, field_name)
        return (user.get_full_name() or user.username) if user else "—"

    return show


class ReadOnlyInline(WritersOnlyMixin, admin.TabularInline):
    """An inline that shows rows of a plan or project and never edits them."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


class LineItemInline(ReadOnlyInline):
    model = PlanLineItem
    fields = ["facility_type", "floor_area", "investment_yuan"]
    readonly_fields = fields
    investment_yuan = money_column(PlanLineItem, "investment")


class OpinionInline(ReadOnlyInline):
    model = ReviewOpinion
    fields = ["review_round", "department", "decision", "comments", "reviewer_name", "at"]
    readonly_fields = fields
    reviewer_name = person_column(ReviewOpinion, "reviewer")
    verbose_name_plural = _("Joint-review opinions")


class AttachmentInline(ReadOnlyInline):
    model = PlanAttachment
    fields = ["download", "description", "size", "uploaded_by_name", "uploaded_at"]
    readonly_fields = fields
    uploaded_by_name = person_column(PlanAttachment, "uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("projects:attachment", args=[obj.plan_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["on_date", "at", "from_label", "to_label", "actor_name", "comment_text"]
    readonly_fields = fields
    actor_name = person_column(StatusChange, "actor")
    verbose_name_plural = _("State history")


class WaitingForMyDepartmentFilter(admin.SimpleListFilter):
    """Plans in joint review whose current round still lacks the user's department's opinion."""

    title = _("waiting for my department")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting for my department"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        department_id = request.user.department_id
        if department_id is None:
            return queryset.none()
        return selectors.waiting_for_department(queryset, department_id=department_id)


@admin.register(GapFillingPlan)
class GapFillingPlanAdmin(WritersOnlyMixin, ScopedModelAdmin):
    """Plans for the joint review and the task force: read-only, with transition buttons."""

    list_display = [
        "title",
        "community",
        "subdistrict",
        "year",
        "state",
        "review_round",
        "total_investment_yuan",
        "approval_number",
    ]
    list_filter = ["state", "year", "subdistrict", WaitingForMyDepartmentFilter]
    search_fields = ["title", "community__name", "approval_number"]
    list_select_related = ["subdistrict", "community"]
    inlines = [LineItemInline, AttachmentInline, OpinionInline, StatusChangeInline]
    change_form_template = "admin/projects/gapfillingplan/change_form.html"
    actions = ["open_review"]
    readonly_fields = [
        "subdistrict",
        "community",
        "year",
        "title",
        "total_investment_yuan",
        "policy_fee_yuan",
        "operating_mode",
        "operator_name",
        "state",
        "review_round",
        "approval_number",
        "approval_date",
        "progress_percent",
        "acceptance_date",
        "settled_investment_yuan",
        "created_by_name",
        "spaces",
    ]
    fields = readonly_fields
    created_by_name = person_column(GapFillingPlan, "created_by")
    total_investment_yuan = money_column(GapFillingPlan, "total_investment")
    policy_fee_yuan = money_column(GapFillingPlan, "policy_fee")
    settled_investment_yuan = money_column(GapFillingPlan, "settled_investment")

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    @admin.display(description=_("landing spaces"))
    def spaces(self, obj):
        allocations = obj.space_allocations.filter(is_active=True).select_related("space")
        return format_html_join(", ", "{}", ((a.space.name,) for a in allocations)) or "—"

    @admin.action(description=_("Open the joint review of the selected plans"))
    def open_review(self, request, queryset):
        opened = 0
        for plan in queryset:
            try:
                services.plan_open_review(actor=request.user, plan=plan)
                opened += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request, f"{plan}: {' '.join(_messages(error))}", messages.WARNING
                )
        if opened:
            self.message_user(
                request,
                gettext("Opened the joint review of %(count)s plan(s).") % {"count": opened},
                messages.SUCCESS,
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not has_role(request.user, Role.TASKFORCE_APPROVER):
            actions.pop("open_review", None)
        return actions

    def get_urls(self):
        return [
            path(
                "<int:object_id>/transition/<slug:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="projects_gapfillingplan_transition",
            )
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = self.get_object(request, object_id)
        if plan is None:
            return super().change_view(request, object_id, form_url, extra_context)
        extra_context = {
            **(extra_context or {}),
            "transition_buttons": [
                (step.name, step.title) for step in PLAN.available(request.user, plan, where=ADMIN)
            ],
            "missing_agreements": selectors.missing_agreements(plan) if plan.review_round else [],
            "page_url": reverse("projects:plan_detail", args=[plan.pk]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _transition_initial(self, plan, step, request) -> dict:
        """A reviewer revising the department's opinion starts from the one on record."""
        if step != "opinion" or not request.user.department_id:
            return {}
        opinion = plan.opinions.filter(
            review_round=plan.review_round, department_id=request.user.department_id
        ).first()
        return {"decision": opinion.decision, "comments": opinion.comments} if opinion else {}

    def transition_view(self, request, object_id, action):
        plan = self.get_object(request, object_id)
        if plan is None or action not in PLAN or PLAN[action].where != ADMIN:
            raise Http404
        step = PLAN[action]
        return transition_page(
            self,
            request,
            lifecycle=PLAN,
            step=step,
            row=plan,
            initial=self._transition_initial(plan, action, request),
            template="admin/projects/gapfillingplan/transition.html",
            context={
                "plan": plan,
                "opinions": plan.opinions.filter(review_round=plan.review_round).select_related(
                    "department", "reviewer"
                ),
            },
        )


def transition_page(
    model_admin, request, *, lifecycle, step, row, template, context, initial=None, form_kwargs=None
):
    """The admin page of one life-cycle step: its form (a plain confirmation when the step needs
    no input), posted to the step's service; a refusal comes back as the form's errors."""
    form_class = lifecycle.form_class(step.name) or forms.Form
    form = form_class(
        request.POST or None, request.FILES or None, initial=initial or {}, **(form_kwargs or {})
    )
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.run(request.user, step.name, row, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            model_admin.message_user(
                request, str(step.done) or gettext("Done: %(title)s.") % {"title": step.title}
            )
            opts = model_admin.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", row.pk)
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "original": row,
            "form": form,
            "title": step.title,
            **context,
        },
    )


@admin.register(PlanLineItem)
class PlanLineItemAdmin(WritersOnlyMixin, PortalHistoryAdmin):
    """Line items, read-only, so that their field history (who changed which amount) is open."""

    list_display = ["plan", "facility_type", "floor_area", "investment_yuan"]
    investment_yuan = money_column(PlanLineItem, "investment")
    list_filter = ["facility_type"]
    search_fields = ["plan__title", "plan__community__name"]
    list_select_related = ["plan"]
    readonly_fields = ["plan", "facility_type", "floor_area", "investment"]

    def get_queryset(self, request):
        visible = GapFillingPlan.objects.restrict(request.user)
        return super().get_queryset(request).filter(plan__in=visible)

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


def _messages(error) -> list[str]:
    return getattr(error, "messages", None) or [str(error)]


def scenario_rows(formset) -> list[dict]:
    """The scenarios an inline formset keeps, as the service takes them."""
    return [
        {
            "scenario": form.cleaned_data["scenario"],
            "planned_content": form.cleaned_data["planned_content"],
        }
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ScenarioInlineFormSet(BaseInlineFormSet):
    """The service's checks, run before anything is saved so that a refusal shows on the form."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms) or self.instance.pk is None:
            return
        try:
            services.scenarios_check(project=self.instance, scenarios=scenario_rows(self))
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class ScenarioInline(WritersOnlyMixin, admin.TabularInline):
    """The nine scenarios the project builds; the task force plans them until the joint
    acceptance, their state comes from the subdistrict's reports and the acceptance; a scenario
    is dropped on the project page."""

    model = FutureScenario
    form = ScenarioInlineForm
    formset = ScenarioInlineFormSet
    writer_roles = (Role.TASKFORCE_APPROVER,)
    fields = ["scenario", "planned_content", "state"]
    readonly_fields = ["state"]
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def _open(self, obj) -> bool:
        return obj is None or obj.stage in services.SCENARIO_PLANNING_STAGES

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._open(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(obj)


def document_column(kind: str):
    """An admin column that links a record's document through the portal's guarded view."""

    @admin.display(description=_("document"))
    def show(self, obj):
        parts = [obj.document_number] if obj.document_number else []
        if obj.document:
            url = reverse("projects:future_document", args=[obj.project_id, kind, obj.pk])
            parts.append(format_html('<a href="{}">{}</a>', url, obj.document_name))
        return format_html_join(" · ", "{}", ((part,) for part in parts)) or "—"

    return show


class DigitalReviewInline(ReadOnlyInline):
    model = DigitalPlanReview
    fields = ["reviewed_on", "verdict", "comments", "evidence", "recorded_by_name", "recorded_at"]
    readonly_fields = fields
    recorded_by_name = person_column(DigitalPlanReview, "recorded_by")
    evidence = document_column("review")


class JointAcceptanceInline(ReadOnlyInline):
    model = JointAcceptance
    fields = ["accepted_on", "lead_unit", "units", "evidence", "recorded_by_name", "recorded_at"]
    readonly_fields = fields
    recorded_by_name = person_column(JointAcceptance, "recorded_by")
    evidence = document_column("acceptance")

    @admin.display(description=_("participating units"))
    def units(self, obj):
        return format_html_join(", ", "{}", ((str(unit),) for unit in obj.participants.all()))


@admin.register(FutureCommunityProject)
class FutureCommunityProjectAdmin(WritersOnlyMixin, ScopedModelAdmin):
    """Future-community projects; the task force edits their data and advances their stage."""

    writer_roles = (Role.TASKFORCE_APPROVER,)
    list_display = [
        "community",
        "category",
        "project_type",
        "provincial_batch",
        "plan_year",
        "funding_mode",
        "creation_investment_yuan",
        "stage",
    ]
    creation_investment_yuan = money_column(FutureCommunityProject, "creation_investment")
    list_filter = [
        "stage",
        "category",
        "project_type",
        "funding_mode",
        "provincial_batch",
        "plan_year",
    ]
    search_fields = ["community__name"]
    list_select_related = ["community"]
    readonly_fields = ["stage", "approval_date", "named_date"]
    inlines = [ScenarioInline, DigitalReviewInline, JointAcceptanceInline, StatusChangeInline]
    change_form_template = "admin/projects/futurecommunityproject/change_form.html"

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (["community"] if obj else [])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "community":
            # Only a future-route community without a project yet can get one.
            kwargs["queryset"] = Community.objects.restrict(request.user).filter(
                route=Route.FUTURE, future_project__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS}
        try:
            if change:
                saved = services.project_update(actor=request.user, project=obj, fields=fields)
            else:
                saved = services.project_create(
                    actor=request.user, community=form.cleaned_data["community"], fields=fields
                )
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(" ".join(_messages(error))) from error
        obj.pk = saved.pk

    def save_formset(self, request, form, formset, change):
        if formset.model is not FutureScenario:
            return super().save_formset(request, form, formset, change)
        if not formset.has_changed():
            # Also a read-only inline (the scenarios are settled at joint acceptance).
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return None
        try:
            saved = services.project_scenarios_save(
                actor=request.user, project=form.instance, scenarios=scenario_rows(formset)
            )
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(" ".join(_messages(error))) from error
        # The admin's change message reads what the formset itself would have saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = saved, [], []

    def get_urls(self):
        return [
            path(
                "<int:object_id>/advance/",
                self.admin_site.admin_view(self.advance_view),
                name="projects_futurecommunityproject_advance",
            )
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_advance": project is not None
            and bool(FUTURE.available(request.user, project, where=ADMIN)),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def advance_view(self, request, object_id):
        project = self.get_object(request, object_id)
        if project is None:
            raise Http404
        steps = FUTURE.steps_from(project.stage, where=ADMIN)
        if not steps:
            raise Http404
        # The form names the stage reached; the step of that stage is the one taken.
        chosen = request.POST.get("to_stage") if request.method == "POST" else None
        step = FUTURE[chosen] if chosen in FUTURE else steps[0]
        return transition_page(
            self,
            request,
            lifecycle=FUTURE,
            step=step,
            row=project,
            form_kwargs={"project": project},
            template="admin/projects/futurecommunityproject/advance.html",
            context={"title": gettext("Advance to the next stage")},
        )


class BlockUnitInline(admin.TabularInline):
    model = BlockUnit
    form = BlockUnitForm
    extra = 1


@admin.register(DevelopmentBlock)
class DevelopmentBlockAdmin(ScopedModelAdmin):
    """Development blocks and their planned integrated units, with the unit rule's result."""

    list_display = [
        "name",
        "subdistrict",
        "area_mu",
        "planned_population",
        "required_units",
        "is_pilot",
    ]
    list_filter = ["is_pilot", "subdistrict"]
    search_fields = ["name"]
    inlines = [BlockUnitInline]
    readonly_fields = ["requirement"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subdistrict").prefetch_related("units")

    def save_model(self, request, obj, form, change):
        try:
            saved = services.block_save(actor=request.user, block=obj, fields=form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(" ".join(_messages(error))) from error
        obj.pk = saved.pk

    def save_formset(self, request, form, formset, change):
        units = [
            {name: unit_form.cleaned_data[name] for name in services.UNIT_FIELDS}
            for unit_form in formset.forms
            if unit_form.cleaned_data and not unit_form.cleaned_data.get("DELETE")
        ]
        try:
            saved = services.block_units_save(actor=request.user, block=form.instance, units=units)
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(" ".join(_messages(error))) from error
        # The admin's change message reads what the formset itself would have saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = saved, [], []

    @admin.display(description=_("required units"))
    def required_units(self, obj):
        return selectors.block_requirement(obj, list(obj.units.all())).required

    @admin.display(description=_("unit rule"))
    def requirement(self, obj):
        if obj.pk is None:
            return "—"
        result = selectors.block_requirement(obj)
        return format_html(
            "<p>{}</p>{}",
            result.reasoning,
            format_html_join(
                "", '<p class="cixi-warning">⚠ {}</p>', ((w,) for w in result.warnings)
            ),
        )

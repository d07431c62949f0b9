"""Admin for organisations, users, communities, facilities, standards and spaces."""

from datetime import timedelta

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import outbox, services
from .access import CHANGE, VIEW
from .choices import OutboxState
from .models import (
    Community,
    Department,
    Facility,
    FacilityStandard,
    OutboxItem,
    SpaceResource,
    Subdistrict,
    User,
)
from .register import template_workbook
from .roles import Role, has_role

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WritersOnlyMixin:
    """Admin writes for the roles in ``writer_roles`` (or the superuser, with
    ``superuser_writes``); nobody deletes. With neither set the admin only reads: its rows change
    through services."""

    writer_roles: tuple[str, ...] = ()
    superuser_writes = False

    def _may_write(self, request) -> bool:
        if self.superuser_writes and request.user.is_superuser:
            return True
        return bool(self.writer_roles) and has_role(request.user, *self.writer_roles)

    def has_add_permission(self, request, obj=None):
        return self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request)

    def has_delete_permission(self, request, obj=None):
        return False


class PortalHistoryAdmin(SimpleHistoryAdmin):
    """The admin base of the portal: field history where the model keeps it, read-only.

    A model without ``HistoricalRecords`` gets Django's own history page (its admin log), not
    django-simple-history's, which would fail on it. History and past versions open only for
    a row the user may see (``get_queryset``; django-simple-history would otherwise show any
    row's last version), and a past version never saves: reverting would write the row
    without the services, their checks and their audit record.
    """

    def _keeps_history(self) -> bool:
        """Whether the model has ``HistoricalRecords``."""
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    @property
    def object_history_template(self):
        """django-simple-history's page where there is field history, else Django's."""
        return SimpleHistoryAdmin.object_history_template if self._keeps_history() else None

    def _ensure_visible(self, request, object_id) -> None:
        """A 404 unless the row is one the user may see here."""
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("No such record in your scope."))

    def get_urls(self):
        if self._keeps_history():
            return super().get_urls()
        return admin.ModelAdmin.get_urls(self)

    def history_view(self, request, object_id, extra_context=None):
        if self._keeps_history():
            self._ensure_visible(request, object_id)
            return super().history_view(request, object_id, extra_context)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        self._ensure_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class ScopedAdminMixin:
    """Admin that lists and opens only the rows ``restrict(user)`` allows; others are a 404.

    A choice of a related scoped row offers the rows ``restrict(user, choice_action)`` allows:
    the ones the user may see, or, where the choice says what a new row is written to, those
    the user may change.
    """

    choice_action = VIEW

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record in your scope."))
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model._default_manager.get_queryset()
        if hasattr(related, "restrict"):
            action = () if self.choice_action == VIEW else (self.choice_action,)
            kwargs.setdefault("queryset", related.restrict(request.user, *action))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedAdminMixin, PortalHistoryAdmin):
    """A scoped admin that also shows each row's history."""


class ServiceSavingAdmin(ScopedModelAdmin):
    """Admin whose saves go through the app's services, so role and scope are checked."""

    choice_action = CHANGE  # the community a new row is added to
    create_service = None
    update_service = None
    parent_field = "community"
    instance_argument = ""

    def save_model(self, request, obj, form, change):
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name != self.parent_field and name in {f.name for f in obj._meta.fields}
        }
        try:
            if change:
                saved = self.update_service(
                    actor=request.user, **{self.instance_argument: obj}, fields=fields
                )
            else:
                saved = self.create_service(
                    actor=request.user,
                    community=form.cleaned_data[self.parent_field],
                    fields=fields,
                )
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(str(error)) from error
        obj.pk = saved.pk


@admin.register(Subdistrict)
class SubdistrictAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]
    list_filter = ["kind"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_joint_reviewer"]
    list_filter = ["is_joint_reviewer"]
    search_fields = ["code", "name"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "subdistrict",
        "department",
        "is_staff",
        "is_active",
    ]
    list_filter = ["subdistrict", "department", "groups", "is_staff", "is_active"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Organisation unit"), {"fields": ["subdistrict", "department"]}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        (_("Organisation unit"), {"fields": ["subdistrict", "department"]}),
    )


class RegisterUploadForm(forms.Form):
    """The register workbook to import."""

    file = forms.FileField(label=_("Register workbook (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload the register as an Excel .xlsx workbook."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The workbook is larger than 5 MB."))
        return upload


@admin.register(Community)
class CommunityAdmin(ScopedModelAdmin):
    list_display = [
        "name",
        "code",
        "subdistrict",
        "route",
        "plan_year",
        "provincial_batch",
        "population",
        "assessment_score",
    ]
    list_filter = ["subdistrict", "route", "plan_year", "provincial_batch"]
    search_fields = ["name", "code"]
    list_select_related = ["subdistrict"]
    change_list_template = "admin/communities/community/change_list.html"

    def save_model(self, request, obj, form, change):
        # Through the service, so the stored gap assessment follows population and households.
        services.community_save(actor=request.user, community=obj)

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="communities_community_import",
            ),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="communities_community_import_template",
            ),
        ]
        return own + super().get_urls()

    def template_view(self, request):
        response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="community-register-template.xlsx"'
        return response

    def import_view(self, request):
        if not has_role(request.user, Role.TASKFORCE_APPROVER):
            raise PermissionDenied
        form = RegisterUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                result = services.community_register_import(
                    actor=request.user, file=form.cleaned_data["file"]
                )
            except ValidationError as error:
                errors = error.messages
            else:
                self.message_user(
                    request,
                    _("Imported the register: %(created)s new, %(updated)s updated.") % result,
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:communities_community_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "row_errors": errors,
            "title": _("Import the community register"),
        }
        return TemplateResponse(request, "admin/communities/community/import.html", context)


@admin.register(Facility)
class FacilityAdmin(ServiceSavingAdmin):
    list_display = ["name", "community", "facility_type", "floor_area", "status", "walking_minutes"]
    list_filter = ["facility_type", "status", "community__subdistrict"]
    search_fields = ["name", "community__name", "operator_name"]
    list_select_related = ["community"]
    create_service = staticmethod(services.facility_create)
    update_service = staticmethod(services.facility_update)
    instance_argument = "facility"

    def delete_model(self, request, obj):
        services.facility_delete(actor=request.user, facility=obj)

    def delete_queryset(self, request, queryset):
        for facility in queryset:
            services.facility_delete(actor=request.user, facility=facility)


@admin.register(SpaceResource)
class SpaceResourceAdmin(ServiceSavingAdmin):
    list_display = ["name", "community", "kind", "area", "availability"]
    list_filter = ["kind", "availability", "community__subdistrict"]
    search_fields = ["name", "community__name", "owner"]
    list_select_related = ["community"]
    create_service = staticmethod(services.space_create)
    update_service = staticmethod(services.space_update)
    instance_argument = "space"


@admin.register(FacilityStandard)
class FacilityStandardAdmin(PortalHistoryAdmin):
    """Only the superuser edits the standards; others may read them."""

    list_display = [
        "facility_type",
        "effective_from_year",
        "kind",
        "minimum",
        "radius_minutes",
        "source",
    ]
    list_filter = ["facility_type", "kind"]
    search_fields = ["source"]

    # Through the services, so every community is reassessed against the changed standard.
    def save_model(self, request, obj, form, change):
        services.facility_standard_save(actor=request.user, standard=obj)

    def delete_model(self, request, obj):
        services.facility_standard_delete(actor=request.user, standard=obj)

    def delete_queryset(self, request, queryset):
        for standard in queryset:
            services.facility_standard_delete(actor=request.user, standard=standard)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class AttentionFilter(admin.SimpleListFilter):
    """Outbox items someone should look at: failed, waiting after a failed try, or stuck."""

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("Failed or stuck"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        now = timezone.now()
        stale = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
        lost = now - timedelta(seconds=settings.OUTBOX_SENT_TIMEOUT_SECONDS)
        return queryset.filter(
            Q(state=OutboxState.FAILED)
            | Q(state=OutboxState.PENDING, attempts__gt=0)
            | Q(state=OutboxState.RUNNING, heartbeat_at__lt=stale)
            | Q(state=OutboxState.SENT, sent_at__lt=lost)
        )


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    """Every job and e-mail the portal owes, with its tries and last error; failed ones retry."""

    list_display = ["__str__", "job", "state", "attempts", "created_at", "available_at", "error"]
    list_filter = [AttentionFilter, "state", "job"]
    search_fields = ["label", "job", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [field.name for field in OutboxItem._meta.fields]

    @admin.display(description=_("last error"))
    def error(self, item):
        return item.last_error[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try the failed items again"), permissions=["view"])
    def retry(self, request, queryset):
        retried = 0
        for item in queryset.order_by("pk"):
            if item.state != OutboxState.FAILED:
                continue
            try:
                outbox.retry(item=item)
            except IntegrityError:
                self.message_user(
                    request,
                    _("%(item)s: its record is already queued again.") % {"item": item},
                    messages.WARNING,
                )
                continue
            retried += 1
        self.message_user(request, _("%(count)d items queued again.") % {"count": retried})


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes' list of failed logins; its clean-up action reads the time that axes puts on
    login requests only, so it is given one here instead of failing."""

    @admin.action(
        description=axes_admin.AccessAttemptAdmin.cleanup_expired_attempts.short_description
    )
    def cleanup_expired_attempts(self, request, queryset):
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)

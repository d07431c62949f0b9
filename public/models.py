"""Residents' suggestions sent through the public window, and their answers."""

from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.access import ScopedQuerySet

from . import permissions
from .choices import PUBLISHED_STATES, HoldReason, SuggestionCategory, SuggestionState

TEXT_MAX_LENGTH = 500
TEXT_MIN_LENGTH = 5
ANSWER_MAX_LENGTH = 1000


class SuggestionQuerySet(ScopedQuerySet):
    """Suggestions belong to their community's subdistrict."""

    subdistrict_path = "community__subdistrict"
    rules = permissions.SUGGESTION_RULES

    def published(self):
        """The answered ones, which the public window shows with their answers."""
        return self.filter(state__in=PUBLISHED_STATES)


class Suggestion(models.Model):
    """A resident's suggestion for a community, and the subdistrict's answer."""

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    category = models.CharField(_("category"), max_length=32, choices=SuggestionCategory)
    text = models.TextField(
        _("suggestion"),
        max_length=TEXT_MAX_LENGTH,
        validators=[MinLengthValidator(TEXT_MIN_LENGTH)],
    )
    # Only for a reply; never shown publicly, erased after SUGGESTION_PHONE_RETENTION_DAYS.
    phone = models.CharField(_("phone for a reply"), max_length=20, blank=True)
    phone_erased_at = models.DateTimeField(_("phone erased at"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=SuggestionState,
        default=SuggestionState.RECEIVED,
        editable=False,
        db_index=True,
    )
    hold_reasons = models.JSONField(_("held because"), default=list, blank=True, editable=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    plan = models.ForeignKey(
        "projects.GapFillingPlan",
        verbose_name=_("taken up in plan"),
        on_delete=models.SET_NULL,
        related_name="suggestions",
        null=True,
        blank=True,
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PUBLISHED_STATES, answered_at__isnull=False)
                | ~Q(state__in=PUBLISHED_STATES),
                name="suggestion_published_has_answer_time",
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.get_category_display()}"

    def get_absolute_url(self):
        return reverse("suggestions:detail", kwargs={"pk": self.pk})

    @property
    def hold_reason_labels(self) -> list[str]:
        return [str(HoldReason(code).label) for code in self.hold_reasons]

    @property
    def is_published(self) -> bool:
        return self.state in PUBLISHED_STATES

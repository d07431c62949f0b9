"""What a person reads when a row breaks a database constraint, in their own language.

Django's own message for a conditional unique constraint or a check constraint names the
constraint ("Constraint “assessment_unique_project_period” is violated."), which means nothing
to the clerk who typed the form. Every constraint a form or a service can hit has a sentence
here, keyed by the constraint's name, and the field the sentence belongs to (None: the form).

Services validate rows with ``full_clean_explained(instance)`` instead of ``full_clean()``; a
write that still loses a race to the database is explained with ``integrity_error_message``.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

# constraint name -> (field the message belongs to, or None for the whole form; the message)
CONSTRAINT_MESSAGES = {
    "assessment_unique_project_period": (
        "period",
        _("This future community already has an assessment for this period."),
    ),
    "assessment_unique_contract_period": (
        "period",
        _("This operating contract already has an assessment for this period."),
    ),
    "satisfaction_unique_community_period": (
        "period",
        _("This community already has a satisfaction score for this period."),
    ),
    "satisfaction_score_0_100": ("score", _("A satisfaction score lies between 0 and 100.")),
    "scheme_one_active": (
        "is_active",
        _("Another assessment scheme is active; deactivate it first."),
    ),
    "rules_one_active": (
        "is_active",
        _("Other supervision rules are active; deactivate them first."),
    ),
    "report_one_active_per_period": (
        "period",
        _("A report for this month is already being built."),
    ),
    "community_unique_name_in_subdistrict": (
        "name",
        _("This subdistrict already has a community of this name."),
    ),
    "community_score_0_100": (
        "assessment_score",
        _("An assessment score lies between 0 and 100."),
    ),
    "community_batch_1_7": ("provincial_batch", _("The provincial batch is 1 to 7.")),
    "facility_standard_unique_per_year": (
        "effective_from_year",
        _("This facility type already has a standard taking effect in this year."),
    ),
}


def full_clean_explained(instance, *, exclude=None) -> None:
    """``instance.full_clean()``, with each broken constraint explained in words instead of
    by its name."""
    errors = {}
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    exclude = set(exclude or ()) | set(errors)
    for constraint in instance._meta.constraints:
        try:
            constraint.validate(type(instance), instance, exclude=exclude)
        except ValidationError as error:
            field, message = CONSTRAINT_MESSAGES.get(constraint.name, (None, None))
            if message is None:
                errors.setdefault(NON_FIELD_ERRORS, []).extend(error.error_list)
            else:
                errors.setdefault(field or NON_FIELD_ERRORS, []).append(
                    ValidationError(message, code="constraint")
                )
    if errors:
        raise ValidationError(errors)


def integrity_error_message(error: IntegrityError, fallback) -> ValidationError:
    """A ValidationError that explains which constraint the database refused, in words;
    ``fallback`` when the error names no constraint of the table above."""
    text = str(error)
    for name, (field, message) in CONSTRAINT_MESSAGES.items():
        if name in text:
            return ValidationError({field or NON_FIELD_ERRORS: [message]})
    return ValidationError(fallback)

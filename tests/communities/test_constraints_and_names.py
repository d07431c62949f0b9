"""A broken constraint reads as a sentence in the reader's language, and people are named by
their names."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from communities.constraints import CONSTRAINT_MESSAGES
from communities.roles import Role
from operations import services
from operations.choices import OperationKind
from operations.models import OperationsAssessment
from tests.factories import FutureCommunityProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def uniform(score) -> dict:
    return {kind: Decimal(score) for kind in OperationKind}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "该未来社区在这一期间已有运营考核。"), ("en", "already has an assessment")],
)
def test_a_duplicate_assessment_is_explained_on_the_period(language, expected):
    assessor = UserFactory(roles=[Role.OPERATIONS_ASSESSOR])
    project = FutureCommunityProjectFactory()
    services.assessment_create(actor=assessor, project=project, period="2025", scores=uniform(80))
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            services.assessment_create(
                actor=assessor, project=project, period="2025", scores=uniform(70)
            )
        messages = [str(m) for m in refused.value.message_dict["period"]]
    assert any(expected in m for m in messages)
    assert "assessment_unique_project_period" not in str(refused.value)


def test_the_form_keeps_every_value_and_names_no_constraint(client):
    assessor = UserFactory(roles=[Role.OPERATIONS_ASSESSOR])
    project = FutureCommunityProjectFactory()
    services.assessment_create(actor=assessor, project=project, period="2025", scores=uniform(80))
    client.force_login(assessor)
    data = {"project": project.pk, "period": "2025", "comments": "复核后重评"}
    data.update({f"score_{f}": "77" for f in ("space", "activity", "groups", "life_services")})
    data["score_digital"] = "66"
    response = client.post("/operations/assessments/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "该未来社区在这一期间已有运营考核。" in html
    assert "Constraint" not in html and "assessment_unique" not in html
    assert 'value="66"' in html and "复核后重评" in html
    assert OperationsAssessment.objects.count() == 1


def test_every_named_constraint_of_the_models_has_a_message():
    from django.apps import apps

    names = {
        constraint.name
        for model in apps.get_app_config("operations").get_models()
        for constraint in model._meta.constraints
        if getattr(constraint, "fields", None) and constraint.condition is not None
    }
    assert names <= set(CONSTRAINT_MESSAGES)


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [("王", "", "王"), ("晓红", "李", "李晓红"), ("Mary", "Chen", "Mary Chen"), ("", "", "u1")],
)
def test_a_user_is_shown_by_name_falling_back_to_the_username(first, last, shown):
    assert str(UserFactory(username="u1", first_name=first, last_name=last)) == shown

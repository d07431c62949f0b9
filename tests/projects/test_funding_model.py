"""The batch decides a future community's funding model (policy §五(一)): provincial batches
1–7 the original model, the 2024–2025 city plan the banded one, 新建类 its own body. A project
that breaks the rule is refused at creation and at edit (service, admin form) on the field
concerned, nothing saved, and the database refuses it too."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from communities.choices import Route
from projects import services
from projects.funding_rule import expected_funding_mode
from projects.models import FutureCommunityProject
from tests.factories import CommunityFactory, FutureCommunityProjectFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "category": "renovation",
    "project_type": "inclusive",
    "provincial_batch": None,
    "plan_year": 2024,
    "funding_mode": "optimised",
    "creation_investment": Decimal("4500000.00"),
}

# (what changes from GOOD, the field the refusal is on, words of the refusal in English)
MISMATCHES = [
    ({"funding_mode": "original"}, "funding_mode", "Optimised model"),
    ({"funding_mode": "self_funded"}, "funding_mode", "Optimised model"),
    (
        {"provincial_batch": 3, "plan_year": None, "funding_mode": "optimised"},
        "funding_mode",
        "Original model",
    ),
    (
        {
            "category": "new_build",
            "provincial_batch": 2,
            "plan_year": None,
            "funding_mode": "original",
        },
        "funding_mode",
        "Funded by the implementing body",
    ),
    ({"category": "new_build", "funding_mode": "optimised"}, "funding_mode", "implementing body"),
    ({"provincial_batch": None, "plan_year": None}, "provincial_batch", "provincial batch"),
    ({"plan_year": 2026}, "plan_year", "covers 2024–2025"),
    ({"provincial_batch": 4, "funding_mode": "original"}, "plan_year", "not both"),
]
MISMATCH_IDS = [
    "plan-2024-original",
    "plan-2024-self-funded",
    "batch-3-optimised",
    "new-build-original",
    "new-build-optimised",
    "no-batch-no-year",
    "plan-year-2026",
    "batch-and-year",
]


@pytest.mark.parametrize(
    ("category", "batch", "year", "expected"),
    [
        ("renovation", 1, None, "original"),
        ("renovation", 7, None, "original"),
        ("renovation", None, 2024, "optimised"),
        ("renovation", None, 2025, "optimised"),
        ("renovation", None, 2026, None),
        ("renovation", None, None, None),
        ("new_build", 3, None, "self_funded"),
        ("new_build", None, 2025, "self_funded"),
        ("new_build", None, None, None),
    ],
)
def test_the_batch_or_plan_year_and_the_category_give_the_funding_mode(
    category, batch, year, expected
):
    assert expected_funding_mode(category, batch, year) == expected


@pytest.fixture
def community(db):
    return CommunityFactory(route=Route.FUTURE, plan_year=2024)


@pytest.mark.parametrize(("change", "field", "words"), MISMATCHES, ids=MISMATCH_IDS)
def test_creating_a_project_against_the_rule_is_refused_on_its_field(
    approver, community, change, field, words
):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.project_create(actor=approver, community=community, fields={**GOOD, **change})

    assert list(refused.value.message_dict) == [field]
    assert words in " ".join(refused.value.message_dict[field])
    assert not FutureCommunityProject.objects.exists()


@pytest.mark.parametrize(("change", "field", "words"), MISMATCHES, ids=MISMATCH_IDS)
def test_editing_a_project_against_the_rule_is_refused_and_nothing_changes(
    approver, change, field, words
):
    project = FutureCommunityProjectFactory()
    before = FutureCommunityProject.objects.filter(pk=project.pk).values().get()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.project_update(actor=approver, project=project, fields={**GOOD, **change})

    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])
    assert FutureCommunityProject.objects.filter(pk=project.pk).values().get() == before
    assert project.history.count() == 1


def test_the_refusal_reads_in_chinese(approver, community):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.project_create(
            actor=approver,
            community=community,
            fields={**GOOD, "provincial_batch": 3, "plan_year": None},
        )
    assert refused.value.message_dict["funding_mode"] == [
        "省级第 3 批的旧改类项目应采用“原有模式（省级前七批）”，而不是“优化调整模式（分档补贴）”。"
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {**GOOD},
        {**GOOD, "provincial_batch": 5, "plan_year": None, "funding_mode": "original"},
        {**GOOD, "category": "new_build", "funding_mode": "self_funded"},
        {
            **GOOD,
            "category": "new_build",
            "plan_year": None,
            "provincial_batch": 1,
            "funding_mode": "self_funded",
        },
    ],
    ids=["plan-optimised", "batch-original", "new-build-plan", "new-build-batch"],
)
def test_a_project_that_keeps_the_rule_is_created(approver, community, fields):
    project = services.project_create(actor=approver, community=community, fields=fields)
    assert FutureCommunityProject.objects.get(pk=project.pk).funding_mode == fields["funding_mode"]


@pytest.mark.parametrize(
    "change",
    [
        {"funding_mode": "original"},
        {"plan_year": None},
        {"plan_year": 2026},
        {"category": "new_build"},
    ],
)
def test_the_database_refuses_a_project_against_the_rule(change):
    project = FutureCommunityProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FutureCommunityProject.objects.filter(pk=project.pk).update(**change)


def _admin_form(fields: dict) -> dict:
    data = {name: "" if value is None else str(value) for name, value in fields.items()}
    for prefix in ("scenarios", "digital_reviews", "joint_acceptance", "status_changes"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


@pytest.mark.parametrize(("change", "field", "words"), MISMATCHES, ids=MISMATCH_IDS)
def test_the_admin_add_form_shows_the_refusal_on_its_field(
    client, approver, community, change, field, words
):
    client.force_login(approver)
    data = _admin_form({**GOOD, **change, "community": community.pk})

    response = client.post(
        reverse("admin:projects_futurecommunityproject_add"), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert words in response.content.decode()
    assert not FutureCommunityProject.objects.exists()


@pytest.mark.parametrize(("change", "field", "words"), MISMATCHES, ids=MISMATCH_IDS)
def test_the_admin_change_form_shows_the_refusal_on_its_field(
    client, approver, change, field, words
):
    project = FutureCommunityProjectFactory()
    before = FutureCommunityProject.objects.filter(pk=project.pk).values().get()
    client.force_login(approver)

    response = client.post(
        reverse("admin:projects_futurecommunityproject_change", args=[project.pk]),
        _admin_form({**GOOD, **change}),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert FutureCommunityProject.objects.filter(pk=project.pk).values().get() == before


def test_the_admin_saves_a_project_that_keeps_the_rule(client, approver, community):
    client.force_login(approver)
    data = _admin_form(
        {**GOOD, "provincial_batch": 2, "plan_year": None, "funding_mode": "original"}
        | {"community": community.pk}
    )

    response = client.post(reverse("admin:projects_futurecommunityproject_add"), data)

    assert response.status_code == 302, response.content[:1500]
    assert FutureCommunityProject.objects.get(community=community).funding_mode == "original"

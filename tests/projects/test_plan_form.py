"""The plan form as a clerk meets it: who can be chosen, why not, and what survives an error."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.models import GapFillingPlan
from projects.uploads import PENDING_SESSION_KEY
from tests.factories import CommunityFactory, GapFillingPlanFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def staff_client(client, staff_hushan):
    client.force_login(staff_hushan)
    client.cookies["django_language"] = "en"
    return client


def test_no_help_text_under_the_community_while_one_can_be_chosen(staff_client, staff_hushan):
    CommunityFactory(subdistrict=staff_hushan.subdistrict, name="金山")

    page = staff_client.get(reverse("projects:plan_create")).content.decode()

    assert "金山</option>" in page
    assert "No community can be chosen" not in page


def test_help_text_says_why_nothing_can_be_chosen_and_links_the_plan_list(
    staff_client, staff_hushan
):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    GapFillingPlanFactory(community=community, created_by=staff_hushan)

    page = staff_client.get(reverse("projects:plan_create")).content.decode()

    assert "already has a plan under way" in page
    assert "Revise that plan, or withdraw it" in page
    assert f'<a href="{reverse("projects:plan_list")}">' in page


def test_a_withdrawn_plan_frees_its_community(staff_client, staff_hushan):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict, name="金东")
    GapFillingPlanFactory(community=community, created_by=staff_hushan, state="withdrawn")

    form = staff_client.get(reverse("projects:plan_create")).context["form"]

    assert list(form.fields["community"].queryset) == [community]
    assert GapFillingPlan.objects.count() == 1


def plan_post(community, **extra):
    data = {
        "community": community.pk,
        "year": 2024,
        "title": "金山社区补短板建设方案",
        "total_investment": "1000000.00",
        "policy_fee": "50000.00",
        "operating_mode": "self_run",
        "operator_name": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-facility_type": "elderly_care",
        "items-0-floor_area": "300",
        "items-0-investment": "1000000.00",
    }
    data.update(extra)
    return data


def pdf(name="建设方案.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_chosen_file_survives_a_validation_error_and_is_attached_on_the_next_save(
    staff_client, staff_hushan
):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    url = reverse("projects:plan_create")

    failed = staff_client.post(url, plan_post(community, title="", attachment=pdf()))

    assert failed.status_code == 200
    page = failed.content.decode()
    assert "Kept from your last try: “建设方案.pdf”" in page
    assert 'name="remove_pending"' in page
    assert failed.context["form"]["title"].value() == ""
    assert failed.context["form"]["total_investment"].value() == "1000000.00"

    saved = staff_client.post(url, plan_post(community))

    assert saved.status_code == 302
    plan = GapFillingPlan.objects.get()
    assert [a.original_name for a in plan.attachments.all()] == ["建设方案.pdf"]
    assert plan.attachments.get().file.read() == PDF
    assert (
        PENDING_SESSION_KEY not in staff_client.session
        or not staff_client.session[PENDING_SESSION_KEY]
    )


def test_a_kept_file_can_be_removed(staff_client, staff_hushan):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    url = reverse("projects:plan_create")
    staff_client.post(url, plan_post(community, title="", attachment=pdf()))
    entry = staff_client.session[PENDING_SESSION_KEY]["plan-new"]

    staff_client.post(url, plan_post(community, remove_pending="on"))

    plan = GapFillingPlan.objects.get()
    assert not plan.attachments.exists()
    assert not default_storage_has(entry["path"])


def test_a_kept_file_belongs_to_its_own_session(client, staff_hushan, staff_client):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    url = reverse("projects:plan_create")
    staff_client.post(url, plan_post(community, title="", attachment=pdf()))

    other = Client()
    other.force_login(staff_hushan)
    page = other.get(url).content.decode()

    assert "Kept from your last try" not in page


def default_storage_has(path: str) -> bool:
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT).exists(path)


def test_the_form_lists_the_chosen_communitys_spaces_as_labelled_check_boxes(
    staff_client, staff_hushan
):
    from tests.factories import SpaceResourceFactory

    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    space = SpaceResourceFactory(community=community, name="闲置用房", area=Decimal("120"))
    data = plan_post(community, title="")

    page = staff_client.post(reverse("projects:plan_create"), data).content.decode()

    assert 'data-choices-for="spaces"' in page
    assert f'<input type="checkbox" name="spaces" value="{space.pk}"' in page
    assert '<label class="form-check-label" for="id_spaces_0">闲置用房 · 120.00 m²' in page


def _items():
    return [
        {
            "pk": None,
            "facility_type": "elderly_care",
            "floor_area": Decimal("300"),
            "investment": Decimal("1000000.00"),
        }
    ]


def test_the_plan_and_its_file_are_saved_by_one_service_or_not_at_all(staff_hushan):
    from django.core.exceptions import ValidationError

    from projects import services

    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    fields = {"year": 2024, "title": "一次保存", "total_investment": Decimal("1000000.00")}
    broken = SimpleUploadedFile("方案.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.plan_save(
            actor=staff_hushan,
            community=community,
            fields=fields,
            line_items=_items(),
            attachment=broken,
        )
    assert not GapFillingPlan.objects.exists()

    plan = services.plan_save(
        actor=staff_hushan,
        community=community,
        fields=fields,
        line_items=_items(),
        attachment=SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf"),
    )
    assert plan.subdistrict == community.subdistrict
    # the plan form asks for no description: the plan page shows the file's name and size alone
    assert [(a.original_name, a.description) for a in plan.attachments.all()] == [("方案.pdf", "")]

    items = [{**_items()[0], "pk": plan.line_items.get().pk}]
    services.plan_save(
        actor=staff_hushan, plan=plan, fields={"title": "改过"}, line_items=items, attachment=None
    )
    plan.refresh_from_db()
    assert (plan.title, plan.attachments.count()) == ("改过", 1)

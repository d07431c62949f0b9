"""Residents' suggestions: sending (limits, honeypot, hold for review), the phone's masking on
staff pages and its erasure, answering through the life cycle, publication."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from communities.roles import Role
from public import services
from public.choices import SuggestionState
from public.lifecycles import SUGGESTION
from public.models import Suggestion
from public.screening import hold_reasons
from public.selectors import masked_phone, phone_for
from public.tasks import erase_expired_phones
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def community(hushan):
    return CommunityFactory(subdistrict=hushan, name="新城社区")


def _send(client, community, **data):
    form = {"category": "elderly_care", "text": "希望社区增加老年食堂", "phone": "", **data}
    return client.post(reverse("public:suggest", kwargs={"code": community.code}), form)


def test_a_resident_sends_a_suggestion_without_an_account(community):
    response = _send(Client(), community, phone=PHONE)
    assert response.status_code == 302 and response["Location"] == reverse("public:sent")
    suggestion = Suggestion.objects.get()
    assert suggestion.state == SuggestionState.RECEIVED
    assert suggestion.phone == PHONE and suggestion.community == community


def test_the_honeypot_keeps_nothing(community):
    response = _send(Client(), community, website="http://spam.example")
    assert response["Location"] == reverse("public:sent")
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "text, reason",
    [
        ("请联系我 13812345678 谢谢", "phone"),
        ("座机 0574-63012345 可联系", "phone"),
        ("身份证 330282199001011234 的老人", "id_card"),
        ("详见 https://example.com/a 的说明", "link"),
        ("访问 www.example.cn 了解", "link"),
    ],
)
def test_text_with_personal_data_or_a_link_is_held_for_review(community, text, reason):
    assert reason in hold_reasons(text)
    _send(Client(), community, text=text)
    suggestion = Suggestion.objects.get()
    assert suggestion.state == SuggestionState.HELD and reason in suggestion.hold_reasons


def test_plain_text_is_not_held():
    assert hold_reasons("希望增加篮球场，晚上7点后开放两小时") == []


@override_settings(SUGGESTION_LIMIT_PER_ADDRESS=2, SUGGESTION_LIMIT_PER_PHONE=100)
def test_one_address_may_send_only_so_many(community):
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert _send(client, community).status_code == 302
    assert _send(client, community).status_code == 302
    refused = _send(client, community)
    assert refused.status_code == 429 and Suggestion.objects.count() == 2
    assert _send(Client(REMOTE_ADDR="10.9.9.9"), community).status_code == 302


@override_settings(SUGGESTION_LIMIT_PER_ADDRESS=100, SUGGESTION_LIMIT_PER_PHONE=1)
def test_one_phone_number_may_send_only_so_many(community):
    assert _send(Client(REMOTE_ADDR="10.0.0.1"), community, phone=PHONE).status_code == 302
    assert _send(Client(REMOTE_ADDR="10.0.0.2"), community, phone=PHONE).status_code == 429
    assert _send(Client(REMOTE_ADDR="10.0.0.3"), community, phone="13700000000").status_code == 302


def test_text_is_length_limited(community):
    response = _send(Client(), community, text="长" * 501)
    assert response.status_code == 200 and not Suggestion.objects.exists()


def _suggestion(community, **fields):
    return Suggestion.objects.create(
        community=community, category="health", text="希望卫生站延长开放时间", phone=PHONE, **fields
    )


def test_the_phone_is_shown_in_full_only_to_the_answering_subdistrict(
    community, staff_hushan, staff_gutang, user_with_role
):
    suggestion = _suggestion(community)
    root = UserFactory(is_superuser=True)
    supervisor = user_with_role(Role.SUPERVISOR)
    assert phone_for(staff_hushan, suggestion) == PHONE
    for reader in (supervisor, root, staff_gutang):
        assert phone_for(reader, suggestion) == masked_phone(PHONE) == "139******78"
    pages = (reverse("suggestions:list"), suggestion.get_absolute_url())
    for reader, shown in ((staff_hushan, True), (supervisor, False), (root, False)):
        client = Client()
        client.force_login(reader)
        for url in pages:
            html = client.get(url).content.decode()
            assert (PHONE in html) == shown, (reader, url)
    client = Client()
    client.force_login(staff_gutang)
    assert PHONE not in client.get(reverse("suggestions:list")).content.decode()
    assert client.get(suggestion.get_absolute_url()).status_code == 404


def test_phones_are_erased_after_the_retention_period(community):
    old = _suggestion(community)
    recent = _suggestion(community)
    Suggestion.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=181)
    )
    with override_settings(SUGGESTION_PHONE_RETENTION_DAYS=180):
        assert erase_expired_phones() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.phone == "" and old.phone_erased_at is not None
    assert recent.phone == PHONE


def test_only_the_communitys_subdistrict_staff_answer(
    community, staff_hushan, staff_gutang, user_with_role
):
    suggestion = _suggestion(community)
    assert [s.name for s in SUGGESTION.available(staff_hushan, suggestion)] == [
        "answer",
        "accept",
        "decline",
    ]
    assert SUGGESTION.available(staff_gutang, suggestion) == []
    assert SUGGESTION.available(user_with_role(Role.TASKFORCE_APPROVER), suggestion) == []
    client = Client()
    client.force_login(staff_gutang)
    url = reverse("suggestions:step", kwargs={"pk": suggestion.pk, "step": "answer"})
    assert client.post(url, {"answer": "答复"}).status_code == 404
    supervisor = Client()
    supervisor.force_login(user_with_role(Role.SUPERVISOR))
    assert supervisor.post(url, {"answer": "答复"}).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.RECEIVED


@pytest.mark.parametrize(
    "step, state", [("answer", "answered"), ("accept", "accepted"), ("decline", "not_adopted")]
)
def test_an_answer_publishes_the_suggestion(community, staff_hushan, step, state):
    suggestion = _suggestion(community)
    public = reverse("public:suggestions")
    assert "希望卫生站延长开放时间" not in Client().get(public).content.decode()
    client = Client()
    client.force_login(staff_hushan)
    url = reverse("suggestions:step", kwargs={"pk": suggestion.pk, "step": step})
    response = client.post(url, {"answer": "卫生站周末上午开放"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == state and suggestion.answered_by == staff_hushan
    html = Client().get(public).content.decode()
    assert "希望卫生站延长开放时间" in html and "卫生站周末上午开放" in html
    assert PHONE not in html and staff_hushan.username not in html
    again = client.post(url, {"answer": "再次答复"})
    assert again.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.answer == "卫生站周末上午开放"


def test_a_held_suggestion_is_released_only_without_personal_data(community, staff_hushan):
    suggestion = services.suggestion_submit(
        community=community, category="other", text="电话13812345678", phone="", address=None
    )
    assert suggestion.state == SuggestionState.HELD
    with pytest.raises(ValidationError) as refusal:
        services.suggestion_release(
            actor=staff_hushan, suggestion=suggestion, text="电话13812345678"
        )
    assert "text" in refusal.value.error_dict
    with pytest.raises(ValidationError):
        services.suggestion_answer(actor=staff_hushan, suggestion=suggestion, answer="答复")
    services.suggestion_release(actor=staff_hushan, suggestion=suggestion, text="请电话联系我")
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.RECEIVED and suggestion.text == "请电话联系我"

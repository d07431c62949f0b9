"""What the portal writes for later readers is read in each reader's language; what people
typed stays as typed (communities.texts, the inbox)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_noop

from communities.models import Notification
from communities.notifications import notify_users
from communities.texts import Text, names
from funding.choices import TrancheStage
from projects.choices import PlanState

pytestmark = pytest.mark.django_db


def in_language(language, text):
    with translation.override(language):
        return str(text)


def test_a_text_renders_in_the_active_language_with_its_choices_translated():
    text = Text(
        gettext_noop("Gap-filling plan: %(state)s"), state=Text.choice(PlanState, "returned")
    )
    assert in_language("en", text) == "Gap-filling plan: Returned for revision"
    assert in_language("zh-hans", text) == "补短板方案：退回修改"


def test_a_text_survives_its_round_trip_through_json_with_nested_parameters():
    text = Text(
        gettext_noop("%(amount)s yuan was paid on %(date)s, voucher %(voucher)s."),
        amount="570,000.00",
        date=datetime.date(2026, 3, 5),
        voucher="=PZ-001",
    )
    nested = Text("%(message)s\n\n%(comment)s", message=text, comment="请尽快核对。")
    again = Text.from_data(nested.as_data())
    assert again == nested
    assert in_language("en", again) == (
        "570,000.00 yuan was paid on 2026-03-05, voucher =PZ-001.\n\n请尽快核对。"
    )


def test_an_unknown_choice_shows_its_stored_value_rather_than_failing():
    text = Text.from_data({"choices": "projects.choices.PlanState", "value": "gone"})
    assert str(text) == "gone"
    assert str(Text.from_data({"choices": "nowhere.Missing", "value": "x"})) == "x"


def test_the_inbox_shows_a_notification_in_the_readers_language_and_mails_it_in_the_portals(
    staff_hushan,
):
    staff_hushan.email = "clerk@example.org"
    staff_hushan.save()
    stage = Text.choice(TrancheStage, TrancheStage.GAP_AFTER_ACCEPTANCE)
    [notification] = notify_users(
        recipients=[staff_hushan],
        subject=Text(gettext_noop("Subsidy paid: %(tranche)s"), tranche=stage),
        body="手写的说明",
    )
    stored = Notification.objects.get(pk=notification.pk)
    # The e-mail and the admin read the portal's language...
    assert stored.subject == f"补助已拨付：{in_language('zh-hans', stage)}"
    # ...the inbox the reader's; plain text stays as it was written.
    with translation.override("en"):
        assert stored.shown_subject == "Subsidy paid: Gap filling, after acceptance"
        assert stored.shown_body == "手写的说明"


def test_entries_written_before_texts_were_kept_show_as_stored(staff_hushan):
    [notification] = notify_users(recipients=[staff_hushan], subject="旧的通知", body="正文")
    assert (
        in_language("en", Notification.objects.get(pk=notification.pk).shown_subject) == "旧的通知"
    )


def test_names_read_as_a_list_in_each_language_and_escape_on_a_page():
    shown = Template("{% load portal %}{{ units|names }}")
    units = ["市住建局", "A&B <co>", PlanState.DRAFT.label]
    with translation.override("zh-hans"):
        assert names(units) == "市住建局、A&B <co>、草稿"
        assert shown.render(Context({"units": units})) == "市住建局、A&amp;B &lt;co&gt;、草稿"
    with translation.override("en"):
        assert names(units) == "市住建局, A&B <co>, Draft"
    assert names([]) == ""

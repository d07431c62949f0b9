"""The inbox every user has in the portal, the health check, and the admin list of jobs."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communities import health, outbox
from communities.choices import OutboxState
from communities.models import Heartbeat, Notification, OutboxItem
from communities.notifications import deliver_notification_email, notify_users
from communities.roles import Role
from tests.factories import UserFactory

# Inbox -------------------------------------------------------------------------------------


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", roles=[Role.SUPERVISOR], email="")


def test_the_menu_counts_unread_notifications_and_the_inbox_lists_them(client, reader):
    other = UserFactory(username="other")
    notify_users(recipients=[reader], subject="方案已提交", body="正文", link="/plans/")
    notify_users(recipients=[reader], subject="报表已生成", body="")
    notify_users(recipients=[other], subject="别人的通知", body="")
    client.force_login(reader)

    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="inbox-link"' in home
    assert ">2<" in home.split('data-testid="inbox-link"')[1].split("</a>")[0]

    inbox = client.get(reverse("inbox:list")).content.decode()
    assert "方案已提交" in inbox and "报表已生成" in inbox
    assert "别人的通知" not in inbox


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(client, reader):
    [notification] = notify_users(recipients=[reader], subject="s", body="", link="/plans/")
    client.force_login(reader)
    response = client.get(reverse("inbox:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/plans/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, reader):
    [notification] = notify_users(
        recipients=[reader], subject="s", body="", link="https://elsewhere.example/"
    )
    client.force_login(reader)
    response = client.get(reverse("inbox:open", args=[notification.pk]))
    assert response.url == reverse("inbox:list")


def test_another_users_notification_is_not_found(client, reader):
    [theirs] = notify_users(recipients=[UserFactory(username="other")], subject="s", body="")
    client.force_login(reader)
    assert client.get(reverse("inbox:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("inbox:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_and_mark_all_as_read(client, reader):
    first, *_rest = [
        notify_users(recipients=[reader], subject=f"n{n}", body="")[0] for n in range(3)
    ]
    client.force_login(reader)
    client.post(reverse("inbox:read", args=[first.pk]))
    assert Notification.objects.filter(recipient=reader, read_at__isnull=True).count() == 2
    client.post(reverse("inbox:read_all"))
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()
    home = client.get(reverse("home")).content.decode()
    assert "badge" not in home.split('data-testid="inbox-link"')[1].split("</a>")[0]


def test_the_inbox_works_without_email(client, reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(recipients=[reader], subject="无邮箱也能收到", body="")
    assert not OutboxItem.objects.exists()
    client.force_login(reader)
    assert "无邮箱也能收到" in client.get(reverse("inbox:list")).content.decode()


def test_the_inbox_asks_for_a_login(client, db):
    response = client.get(reverse("inbox:list"))
    assert response.status_code == 302 and reverse("login") in response.url


# Health ------------------------------------------------------------------------------------


def test_the_bare_status_needs_no_login_and_shows_no_data(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_staff_see_each_check(client, db):
    client.force_login(UserFactory(is_staff=True))
    body = client.get("/health/").json()
    assert [check["name"] for check in body["checks"]] == [
        "database",
        "broker",
        "worker",
        "beat",
        "outbox",
    ]


def test_a_database_that_is_down_answers_503(client, db, monkeypatch):
    monkeypatch.setattr(
        health, "_database", lambda: health.Check("database", health.DOWN, "unreachable")
    )
    response = client.get("/health/")
    assert response.status_code == 503 and response.json() == {"status": "down"}


def test_with_a_broker_the_check_reports_stale_processes_and_old_items(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    long_ago = timezone.now() - timedelta(hours=1)
    Heartbeat.objects.create(name="worker", beat_at=timezone.now())
    Heartbeat.objects.create(name="beat", beat_at=long_ago)
    item = OutboxItem.objects.create(
        job=outbox.job_path(deliver_notification_email), available_at=long_ago
    )
    OutboxItem.objects.filter(pk=item.pk).update(created_at=long_ago)
    checks = {check.name: check for check in health.run_checks()}
    assert checks["worker"].status == health.OK
    assert checks["beat"].status == health.DEGRADED
    assert checks["outbox"].status == health.DEGRADED
    assert "3600" in checks["outbox"].detail or "360" in checks["outbox"].detail
    assert health.overall(list(checks.values())) == health.DEGRADED


def test_the_command_prints_every_check_and_fails_when_unwell(db, capsys, settings):
    call_command("health")
    out = capsys.readouterr().out
    for name in ("database", "broker", "worker", "beat", "outbox", "overall"):
        assert name in out
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with pytest.raises(SystemExit) as exited:
        call_command("health")
    assert exited.value.code == 1


def test_the_sweeper_records_beat_and_worker(db):
    from communities.tasks import sweep_outbox

    sweep_outbox(scheduled=True)
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"worker", "beat"}


# Admin -------------------------------------------------------------------------------------


def test_staff_see_failed_and_stuck_items_in_one_list_and_retry(
    admin_client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="a@example.org")
    [notification] = notify_users(recipients=[user], subject="s", body="")
    failed = OutboxItem.objects.get()
    OutboxItem.objects.filter(pk=failed.pk).update(
        state=OutboxState.FAILED, attempts=8, last_error="SMTPServerDisconnected"
    )
    done = OutboxItem.objects.create(
        job=outbox.job_path(deliver_notification_email),
        arguments={"notification_id": notification.pk},
        state=OutboxState.DONE,
        available_at=timezone.now(),
        label="已完成的",
    )
    url = reverse("admin:communities_outboxitem_changelist")
    page = admin_client.get(url, {"attention": "yes"}).content.decode()
    assert "SMTPServerDisconnected" in page
    assert f"/{done.pk}/change/" not in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"action": "retry", "_selected_action": [failed.pk, done.pk]})
    failed.refresh_from_db()
    assert failed.state == OutboxState.DONE
    assert json.loads(json.dumps(failed.arguments)) == {"notification_id": notification.pk}

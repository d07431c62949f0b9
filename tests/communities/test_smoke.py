from django.urls import reverse


def test_login_page_is_public(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]

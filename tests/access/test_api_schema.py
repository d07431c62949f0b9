"""The OpenAPI schema asks for a login like every other API route."""

from django.urls import reverse

from communities.roles import Role
from tests.factories import UserFactory


def test_anonymous_visitors_get_no_schema(client, db):
    # given a visitor who has not signed in
    # when they ask for the schema
    response = client.get(reverse("api-schema"))
    # then the API refuses, as it does on every other route
    assert response.status_code in (401, 403)
    assert b"openapi" not in response.content


def test_a_signed_in_user_gets_the_schema(client, db):
    # given a signed-in user of any role
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    # when they ask for the schema
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    # then it is served, listing the API's routes
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/plans/" in schema["paths"]

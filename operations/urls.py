"""Page URLs of the operations app."""

app_name = "operations"
urlpatterns: list = []

"""Steps that many browser journeys share."""

from tests.factories import PASSWORD


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Open the login page, sign in and wait for the home page."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def log_out(page) -> None:
    """Sign out through the navigation bar's button."""
    page.locator("form[action$='/logout/'] button").click()


def open_menu(page) -> None:
    """On a narrow screen, unfold the collapsed menu and wait until its animation has ended, so a
    click on one of its links lands on the link and not where it was a frame earlier."""
    toggler = page.locator(".navbar-toggler")
    if not toggler.is_visible():
        return
    toggler.click()
    page.locator(".navbar-collapse.collapse.show").wait_for(state="visible")

"""The responsible units of each improvement route, as policy §四(一) names them; shown in the
reader's language (the departments by their codes' labels)."""

from django.utils.translation import gettext_lazy as _

from communities.choices import DepartmentCode as D
from communities.choices import Route

INNOVATION_CENTRE = _("Hangzhou Bay Innovation Centre")
TOWNS_CONCERNED = _("The towns and subdistricts concerned")

RESPONSIBLE_UNITS = {
    Route.INTEGRATED: [
        D.NATURAL_RESOURCES.label,
        INNOVATION_CENTRE,
        D.URBAN_INVESTMENT.label,
        TOWNS_CONCERNED,
    ],
    Route.FUTURE: [
        D.DEVELOPMENT.label,
        D.EDUCATION.label,
        D.CIVIL_AFFAIRS.label,
        D.FINANCE.label,
        D.NATURAL_RESOURCES.label,
        D.HOUSING.label,
        D.CULTURE.label,
        D.HEALTH.label,
        D.MEDIA_CENTRE.label,
        D.STATE_ASSETS.label,
        D.URBAN_INVESTMENT.label,
        TOWNS_CONCERNED,
    ],
    Route.GAP: [
        D.DEVELOPMENT.label,
        D.EDUCATION.label,
        D.CIVIL_AFFAIRS.label,
        D.FINANCE.label,
        D.NATURAL_RESOURCES.label,
        D.HOUSING.label,
        D.CULTURE.label,
        D.HEALTH.label,
        D.STATE_ASSETS.label,
        D.URBAN_INVESTMENT.label,
        TOWNS_CONCERNED,
    ],
}

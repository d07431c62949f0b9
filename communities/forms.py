"""Forms for the facility inventory and landing spaces; services do the saving."""

from django import forms
from django.utils.translation import gettext as _

from .models import MAX_FLOOR_AREA, Facility, SpaceResource


def _positive_area(value, field_label):
    """Refuse zero, negative and implausibly large areas with a message that says which."""
    if value is None:
        return value
    if value <= 0:
        raise forms.ValidationError(
            _("%(field)s must be greater than zero.") % {"field": field_label}
        )
    if value > MAX_FLOOR_AREA:
        raise forms.ValidationError(
            _(
                "%(field)s above %(limit)s m² is not plausible for a community facility; "
                "please check the figure."
            )
            % {"field": field_label, "limit": f"{MAX_FLOOR_AREA:,.0f}"}
        )
    return value


class FacilityForm(forms.ModelForm):
    """A facility of one community; the community comes from the URL, never from the form."""

    class Meta:
        model = Facility
        fields = [
            "facility_type",
            "name",
            "floor_area",
            "places",
            "walking_minutes",
            "status",
            "operator_name",
        ]

    def clean_floor_area(self):
        return _positive_area(self.cleaned_data.get("floor_area"), self.fields["floor_area"].label)


class SpaceResourceForm(forms.ModelForm):
    """A landing space of one community."""

    class Meta:
        model = SpaceResource
        fields = ["kind", "name", "area", "owner", "availability"]

    def clean_area(self):
        return _positive_area(self.cleaned_data.get("area"), self.fields["area"].label)

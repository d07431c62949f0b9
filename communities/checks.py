"""System checks for what the portal's safety relies on in its environment."""

import openpyxl
from django.core.checks import Error, register


@register()
def check_openpyxl_uses_defusedxml(app_configs, **kwargs) -> list[Error]:
    """Uploaded workbooks must be parsed with defusedxml, which refuses XML entity bombs."""
    if openpyxl.DEFUSEDXML:
        return []
    return [
        Error(
            "openpyxl parses workbooks without defusedxml.",
            hint="Install defusedxml (a dependency of the portal) and leave OPENPYXL_DEFUSEDXML "
            "unset: openpyxl uses defusedxml only when it is importable at start-up.",
            id="communities.E001",
        )
    ]

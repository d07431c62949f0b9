"""Forms of finance's tranche actions; they parse input, the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .money import ZERO


class ApproveForm(forms.Form):
    """Approve a due tranche for payment."""

    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class PayForm(forms.Form):
    """Record the payment of an approved tranche."""

    voucher_number = forms.CharField(label=_("Voucher number"), max_length=64)
    paid_on = forms.DateField(
        label=_("Paid on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReasonForm(forms.Form):
    """Cancel or return a tranche, with the reason."""

    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea({"rows": 2}))


class AmountForm(forms.Form):
    """Enter the amount of an original-model or Ningbo pass-through tranche."""

    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=ZERO
    )

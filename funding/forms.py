"""Forms of finance's tranche actions; they parse input, the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .money import FEN, MAX_TRANCHE_AMOUNT
from .services import AMOUNT_IMPLAUSIBLE, AMOUNT_NOT_POSITIVE

ISO_DATE = "%Y-%m-%d"


class ApproveForm(forms.Form):
    """Approve a due tranche for payment."""

    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class PayForm(forms.Form):
    """Record the payment of an approved tranche."""

    voucher_number = forms.CharField(label=_("Voucher number"), max_length=64)
    # Today in the portal's time zone; a date input only takes ISO dates, whatever the language.
    paid_on = forms.DateField(
        label=_("Paid on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )


class BulkPayForm(PayForm):
    """Record the payment of several approved tranches: one date, a voucher number per row."""

    voucher_number = None

    def __init__(self, *args, tranches, **kwargs):
        super().__init__(*args, **kwargs)
        self.tranches = list(tranches)
        for tranche in self.tranches:
            self.fields[self.voucher_field(tranche)] = forms.CharField(
                label=_("Voucher number"), max_length=64, required=False
            )

    @staticmethod
    def voucher_field(tranche) -> str:
        return f"voucher_{tranche.pk}"

    def rows(self):
        """(tranche, its voucher field) for the form's table."""
        return [(tranche, self[self.voucher_field(tranche)]) for tranche in self.tranches]

    def vouchers(self) -> dict[int, str]:
        """The voucher number typed for each tranche, by key; the service refuses blank ones."""
        return {t.pk: self.cleaned_data.get(self.voucher_field(t), "") for t in self.tranches}


class ReasonForm(forms.Form):
    """Cancel or return a tranche, with the reason."""

    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea({"rows": 2}))


class AmountForm(forms.Form):
    """Enter the amount of an original-model or Ningbo pass-through tranche."""

    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=FEN,
        max_value=MAX_TRANCHE_AMOUNT,
        # A text box, so that a negative or absurd figure reaches the portal's own message
        # (in the reader's language) instead of the browser's.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "min_value": AMOUNT_NOT_POSITIVE,
            "max_value": AMOUNT_IMPLAUSIBLE,
            "max_digits": AMOUNT_IMPLAUSIBLE,
            "max_whole_digits": AMOUNT_IMPLAUSIBLE,
        },
    )

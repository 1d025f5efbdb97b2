"""Money and Québec sales taxes, as every invoice of the app computes them. Pure Python.

The one home of the rates and the rounding: the pricing engine's quotes, a work order's
parts and labour, and the invoices all round and tax through this module.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Taxe sur les produits et services (federal) and taxe de vente du Québec, both on the
# price before tax: since 2013 the TVQ is no longer charged on the TPS.
TPS_RATE = Decimal("0.05")
TVQ_RATE = Decimal("0.09975")


@dataclass(frozen=True)
class TaxRates:
	"""The two Québec sales taxes as fractions, as the company's taxes template sets them."""

	tps: Decimal = TPS_RATE
	tvq: Decimal = TVQ_RATE


QUEBEC = TaxRates()


def to_cents(amount: Decimal) -> Decimal:
	"""Round to the cent, halves away from zero (0.005 → 0.01), as invoices round."""
	return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
	"""A taxable subtotal with its two Québec taxes.

	Québec invoices compute each tax on the subtotal before tax (TVQ is not charged on
	TPS) and round each to the cent on its own; the total is the sum of the three rounded
	amounts, so it always matches the printed lines.
	"""

	subtotal: Decimal
	tps: Decimal
	tvq: Decimal
	total: Decimal

	@classmethod
	def of(cls, subtotal: Decimal, rates: TaxRates = QUEBEC) -> "Totals":
		"""Taxes on `subtotal` (already in cents)."""
		tps = to_cents(subtotal * rates.tps)
		tvq = to_cents(subtotal * rates.tvq)
		return cls(subtotal=subtotal, tps=tps, tvq=tvq, total=subtotal + tps + tvq)

	def to_dict(self) -> dict:
		return {k: float(getattr(self, k)) for k in ("subtotal", "tps", "tvq", "total")}

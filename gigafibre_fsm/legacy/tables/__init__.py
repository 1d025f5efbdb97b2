"""The legacy tables, one module per table or family: how a row converts, and its step.

Each module holds, side by side, the pure conversion of its rows (``convert_*``: a legacy row
and the run's context → a :class:`~gigafibre_fsm.legacy.convert.Plan`, no frappe, no
database) and its :class:`~gigafibre_fsm.legacy.step.Step` (what it loads, how its records
are created and updated). The steps, base records first (a step names the legacy table that
drives it; the others it reads are in brackets)::

    customers.py        account (+ account_suspension, first delivery) → Customer, Contact, Address
    catalogue.py        product (+ the standard catalogue's rules)      → Item
    locations.py        delivery (+ service statuses)                   → Service Location
    subscriptions.py    service                                         → Service Subscription
    equipment.py        device (+ genieacs.wifi, genieacs.voip, service.radius_*) → Service Equipment
    fibre_drops.py      fibre                                           → Fibre Drop, linked to its location
    quotes.py           soumission                                      → Quotation
    staff.py            staff                                           → User (mapped by email, else created disabled)
    arrangements.py     accord_paiement                                 → Payment Arrangement
    work_orders.py      bon_travail (+ bon_travail_item)                → Dispatch Job
    payment_methods.py  account_profile (+ account.ppa_*, account.stripe_id) → Payment Method
    phone_lines.py      pbx (+ phone_addr, phone_provisioning)          → VoIP Line
    suspensions.py      account_suspension                              → Suspension Log
    history.py          ip_history                                      → IP History rows of the location
                        delivery_history                                → Address History rows of the location

Not imported: service_snapshot (bandwidth samples), voicemeup, tele_wiz, soumission_template,
fibre_lineprofile/fibre_serviceprofile (the profile numbers travel on the products; a product
without speeds of its own takes its line profile's), and the
columns account.password (the portal's md5), account.vip/date_orig, soumission.po/tax,
pbx.user_context/country_whitelist/call_911, phone_addr.enhanced_capable/info/names.

**Decisions.** Staff (technicians of work orders, agents of arrangements) become Users:
mapped by email to an existing user, else created disabled and without roles, named after
their email (``legacy-staff-<id>@gigafibre.invalid`` when they have none), each logged as a
warning; an administrator enables those who still work. Customers of closed accounts are
disabled after their history is in (``run.Importer.close_accounts``): ERPNext refuses a
quotation for a disabled customer, and the legacy quotes were made while the account was
open. A location is as active as its best service; a disconnected one holds no fibre drop.
Legacy work orders have no type: they are imported as completed Support jobs. History comes
in whole: a pay-by date, a work order's date or technician, a service's start date that the
legacy system did not record (0 was its "unknown") is imported empty and flagged unknown on
the record, whose form says so, instead of the row being refused by the rule a new record
follows. A RADIUS account no device carries is kept on its subscription. Every product is
imported, with the pricing engine's rules from the standard catalogue; one the engine cannot
sell is imported not offered, its reason logged as a warning. A drop's
status is never written: its installed serial is ``fibre.sn`` in the equipment's serial
form and the Fibre Drop's own rule decides. Quotes keep their lines net of taxes (the legacy
``tax`` flag has no Quotation field).
"""

from gigafibre_fsm.legacy.step import Step
from gigafibre_fsm.legacy.tables.arrangements import ArrangementStep
from gigafibre_fsm.legacy.tables.catalogue import ProductStep
from gigafibre_fsm.legacy.tables.customers import AccountStep
from gigafibre_fsm.legacy.tables.equipment import DeviceStep
from gigafibre_fsm.legacy.tables.fibre_drops import FibreStep
from gigafibre_fsm.legacy.tables.history import AddressHistoryStep, IPHistoryStep
from gigafibre_fsm.legacy.tables.locations import DeliveryStep
from gigafibre_fsm.legacy.tables.payment_methods import PaymentMethodStep
from gigafibre_fsm.legacy.tables.phone_lines import PhoneLineStep
from gigafibre_fsm.legacy.tables.quotes import QuoteStep
from gigafibre_fsm.legacy.tables.staff import StaffStep
from gigafibre_fsm.legacy.tables.subscriptions import ServiceStep
from gigafibre_fsm.legacy.tables.suspensions import SuspensionStep
from gigafibre_fsm.legacy.tables.work_orders import WorkOrderStep

# Every step by the legacy table that drives it, in the order a run without lanes takes them
# (base records first); ``bench --site SITE import-legacy --tables`` takes these names.
STEPS: dict[str, type[Step]] = {
	step.key: step
	for step in (
		AccountStep,
		ProductStep,
		DeliveryStep,
		ServiceStep,
		DeviceStep,
		FibreStep,
		QuoteStep,
		StaffStep,
		ArrangementStep,
		WorkOrderStep,
		PaymentMethodStep,
		PhoneLineStep,
		SuspensionStep,
		IPHistoryStep,
		AddressHistoryStep,
	)
}

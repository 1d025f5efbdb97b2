"""Background jobs of the network: the fibre-drop matching on the RQ long queue.

:func:`enqueue_matching` is the one place that queues the matching (the Fibre Drop list's
menu, through api/fibre_drops.py); :func:`run_matching_job` is what the worker runs: the
batch of network/drop_matching.py, the same as ``bench --site SITE match-fibre-drops``.
"""

import frappe
from frappe.utils.background_jobs import is_job_enqueued

from gigafibre_fsm.network.drop_matching import match_drops

JOB_ID = "gigafibre_fsm:match_fibre_drops"
MATCHING_JOB = "gigafibre_fsm.network.tasks.run_matching_job"


def run_matching_job(unmatched_only: bool = False) -> dict:
	"""The RQ job: the whole batch, logged when it ends."""
	summary = match_drops(unmatched_only=unmatched_only)
	frappe.logger("gigafibre_fsm").info(f"match-fibre-drops: {summary.as_dict()}")
	return summary.as_dict()


def enqueue_matching(unmatched_only: bool = False) -> bool:
	"""Queue the batch on the long queue, once (a second request while it is queued or
	running is the same job); False when it is already there."""
	if is_job_enqueued(JOB_ID):
		return False
	frappe.enqueue(
		MATCHING_JOB,
		queue="long",
		timeout=3600,
		job_id=JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
		unmatched_only=unmatched_only,
	)
	return True

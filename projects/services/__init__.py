"""Writes of the projects app; every state change goes through one of these functions."""

from .blocks import block_save, block_units_save
from .future import next_stage, project_advance, project_create, project_update
from .plans import (
    attachment_add,
    attachment_remove,
    missing_agreements,
    opinion_record,
    plan_accept,
    plan_approve,
    plan_close,
    plan_complete,
    plan_create,
    plan_open_review,
    plan_return,
    plan_start,
    plan_submit,
    plan_update,
    plan_withdraw,
    progress_report,
    required_departments,
)

__all__ = [
    "attachment_add",
    "attachment_remove",
    "block_save",
    "block_units_save",
    "missing_agreements",
    "next_stage",
    "opinion_record",
    "plan_accept",
    "plan_approve",
    "plan_close",
    "plan_complete",
    "plan_create",
    "plan_open_review",
    "plan_return",
    "plan_start",
    "plan_submit",
    "plan_update",
    "plan_withdraw",
    "progress_report",
    "project_advance",
    "project_create",
    "project_update",
    "required_departments",
]

"""The plain-English names of governance's routes, records and reasons (``core.labels``)."""

from __future__ import annotations

PAGE_LABELS = {
    "governance:plan": "The partnership action plan",
    "governance:plan_csv": "The partnership action plan (CSV)",
    "governance:action": "An action",
    "governance:action_edit": "Change an action",
    "governance:action_progress": "Record progress on an action",
    "governance:action_complete": "Complete an action",
    "governance:action_withdraw": "Withdraw an action",
    "governance:inspections": "Inspection reports",
    "governance:inspection_add": "Enter an inspection report",
    "governance:inspection": "An inspection report",
    "governance:inspection_action_add": "Add a recommendation to an inspection report",
    "governance:groups": "Task-and-finish groups and audits",
    "governance:group_add": "Name a task-and-finish group or audit",
    "governance:group": "A task-and-finish group or audit",
    "governance:group_action_add": "Add an action to a group or audit",
}

LABELS = {
    **{route: f"Action plan: {label}" for route, label in PAGE_LABELS.items()},
    "governance.action": "Action in the action plan",
    "governance.inspection": "Inspection report",
    "governance.named_source": "Task-and-finish group or audit",
    "governance.action_assigned": "Action assigned to your organisation",
    "governance.action_overdue": "Action overdue",
    "governance.task_and_finish": "Task-and-finish group",
    "governance.multi_agency_audit": "Multi-agency audit",
}

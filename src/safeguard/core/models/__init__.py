"""The kernel's tables, one file per concern so that each stays short."""

from safeguard.core.models.apikeys import ApiKey
from safeguard.core.models.audit import AuditChainHead, AuditEvent
from safeguard.core.models.deadlines import Deadline
from safeguard.core.models.holidays import ExtraHoliday
from safeguard.core.models.jobs import Job, JobState
from safeguard.core.models.organisations import Group, Membership, Organisation
from safeguard.core.models.outbox import OutboxAttempt, OutboxMessage
from safeguard.core.models.people import Person, RoleAssignment
from safeguard.core.models.retention import RetentionRun
from safeguard.core.models.sso import ProviderSecondFactor

__all__ = [
    "ApiKey",
    "AuditChainHead",
    "AuditEvent",
    "Deadline",
    "ExtraHoliday",
    "Group",
    "Job",
    "JobState",
    "Membership",
    "Organisation",
    "OutboxAttempt",
    "OutboxMessage",
    "Person",
    "ProviderSecondFactor",
    "RetentionRun",
    "RoleAssignment",
]

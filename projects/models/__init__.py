"""The models of projects, by concern: who and when (agencies), projects and their plans
(plans), monthly reports and what goes with them (reports), their approval by the head of
the agency (approval). Import them from here:
``from projects.models import Project``."""

from projects.models.agencies import (
    SESSION_ENDING_FIELDS,
    Agency,
    FiscalYear,
    User,
    UserManager,
    UserQuerySet,
)
from projects.models.approval import ApprovalDelegation, ReportSubmission, ReportTransition
from projects.models.notifications import Notification, NotificationPreference
from projects.models.plans import (
    PlanStep,
    Project,
    ProjectObjective,
    ProjectQuerySet,
    StrategyLink,
    weights_total,
)
from projects.models.reports import (
    PERCENT_RANGE,
    EvidenceFile,
    MonthReopening,
    ProgressEntry,
    ProgressEntryQuerySet,
    ReportingDeadline,
    evidence_path,
)

__all__ = [
    "PERCENT_RANGE",
    "SESSION_ENDING_FIELDS",
    "Agency",
    "ApprovalDelegation",
    "EvidenceFile",
    "FiscalYear",
    "MonthReopening",
    "Notification",
    "NotificationPreference",
    "PlanStep",
    "ProgressEntry",
    "ProgressEntryQuerySet",
    "Project",
    "ProjectObjective",
    "ProjectQuerySet",
    "ReportSubmission",
    "ReportTransition",
    "ReportingDeadline",
    "StrategyLink",
    "User",
    "UserManager",
    "UserQuerySet",
    "evidence_path",
    "weights_total",
]

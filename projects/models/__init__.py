"""The models of projects, by concern: who and when (agencies), projects and their plans
(plans), monthly reports and what goes with them (reports), their approval by the head of
the agency (approval), budgets and disbursement (budget), notifications. Import them from here:
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
from projects.models.budget import (
    BudgetSource,
    BudgetTransfer,
    BudgetType,
    DisbursementTarget,
)
from projects.models.notifications import Notification, NotificationPreference
from projects.models.plan_versions import PlanVersion, PlanVersionStep
from projects.models.plans import (
    PlanStep,
    Project,
    ProjectObjective,
    ProjectQuerySet,
    StrategyLink,
    UnmatchedStrategyLink,
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
from projects.models.strategy import StrategyLevel, StrategyNode

__all__ = [
    "PERCENT_RANGE",
    "BudgetSource",
    "BudgetTransfer",
    "BudgetType",
    "DisbursementTarget",
    "SESSION_ENDING_FIELDS",
    "Agency",
    "ApprovalDelegation",
    "EvidenceFile",
    "FiscalYear",
    "MonthReopening",
    "Notification",
    "NotificationPreference",
    "PlanStep",
    "PlanVersion",
    "PlanVersionStep",
    "ProgressEntry",
    "ProgressEntryQuerySet",
    "Project",
    "ProjectObjective",
    "ProjectQuerySet",
    "ReportSubmission",
    "ReportTransition",
    "ReportingDeadline",
    "StrategyLevel",
    "StrategyLink",
    "StrategyNode",
    "UnmatchedStrategyLink",
    "User",
    "UserManager",
    "UserQuerySet",
    "evidence_path",
    "weights_total",
]

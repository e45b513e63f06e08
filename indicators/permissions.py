"""Who may do what on the evaluation pages, beyond the shared rules of projects.permissions.

Scoring, closing and reopening quarters and editing a KPI's criteria use
``projects.permissions.can_evaluate`` (สยป. and administrators); reading a KPI or the
history of a score uses ``can_read``. The rules below are the evaluation pages' own.
"""

from projects.models import User
from projects.permissions import can_evaluate, can_read


def can_view_evaluation_summary(user) -> bool:
    """The per-agency summary of a fiscal year: สยป., administrators and managers."""
    return can_evaluate(user) or (can_read(user) and user.role == User.Role.MANAGER)

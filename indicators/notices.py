"""The notice of a quarter evaluated by สยป. (issue 15): a kind of projects' notifications
(projects/notifications/kinds.py) computed from indicators' data, registered when the app
is ready (IndicatorsConfig.ready)."""

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import QuarterEvaluation
from projects import thaidates
from projects.models import Notification
from projects.notifications.kinds import STAFF, Notice, people_of, project_lines, since

Kind = Notification.Kind


def evaluations(now: dt.datetime) -> list[Notice]:
    """Quarter results entered by สยป.: the agency's staff, one notice per quarter and day
    of evaluation listing the projects. Key: year, quarter and day."""
    groups = defaultdict(list)
    for evaluation in (
        QuarterEvaluation.objects.filter(evaluated_at__gte=since(now), evaluated_at__lte=now)
        .select_related("project__fiscal_year")
        .order_by("project__code")
    ):
        project = evaluation.project
        day = timezone.localdate(evaluation.evaluated_at)
        groups[(project.agency_id, project.fiscal_year.year_be, evaluation.quarter, day)].append(
            project
        )
    staff = people_of({group[0] for group in groups}, STAFF)
    notices = []
    for (agency_id, year_be, quarter, day), projects in groups.items():
        title = _("ผลการประเมินไตรมาสที่ %(quarter)d ปีงบประมาณ %(year)d") % {
            "quarter": quarter,
            "year": year_be,
        }
        body = _("สยป. บันทึกผลการประเมินเมื่อ %(day)s:") % {"day": thaidates.format_thai_long(day)}
        body = f"{body}\n{project_lines(projects)}"
        url = reverse("projects:detail", args=[projects[0].code])
        key = f"{year_be}-Q{quarter}-{day.isoformat()}"
        notices += [
            Notice(u, Kind.EVALUATED, key, title, body, url) for u in staff.get(agency_id, [])
        ]
    return notices

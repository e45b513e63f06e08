"""Background tasks of projects (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from projects.notifications.sending import notifications_send


@task()
def send_notifications() -> dict:
    """What `manage.py send_notifications` does, for a worker (enqueue it hourly, or after
    a change that should be told at once): safe with several workers at once."""
    return notifications_send()

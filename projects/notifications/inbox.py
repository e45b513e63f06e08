"""A person's notices in the app: reading them (the list), marking them read, and their
choice of e-mail per kind. Every write forgets the person's kept unread count (bell)."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from projects.models import Notification, NotificationPreference, User
from projects.notifications import bell

Kind = Notification.Kind


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def notification_read(*, user: User, pk: int) -> Notification:
    """Mark one of ``user``'s notices read (Notification.DoesNotExist for anybody else's)."""
    notification = Notification.objects.get(user=user, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        transaction.on_commit(lambda: bell.forget([user.pk]))
    return notification


def notifications_read_all(*, user: User) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    transaction.on_commit(lambda: bell.forget([user.pk]))
    return count


def email_choices(user: User) -> dict[str, bool]:
    """Whether each kind is e-mailed to ``user`` (on unless turned off)."""
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True)
    )
    return {kind: kind not in off for kind in Kind.values}


@transaction.atomic
def notification_preferences_save(*, user: User, email: dict[str, bool]) -> None:
    """E-mail of each kind of ``email`` on or off for ``user``."""
    for kind, on in email.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=Kind(kind), defaults={"email": bool(on)}
        )

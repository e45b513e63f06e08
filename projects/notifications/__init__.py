"""Notifications (issue 15): who is told what, in the app and by e-mail.

- ``kinds``: each kind of notice computed from the data by one function (a deadline
  coming, a month missed, a report returned, the heads' daily digest, a month reopened, a
  quarter evaluated). Each notice has a key (the month, the transition, the day...): the
  sent-log (``Notification``'s unique user, kind and key) makes it once, however often and
  by however many workers the sending runs.
- ``sending``: make the notices (``notifications_make``), then e-mail the pending ones
  (``notifications_email``), each at most once, under row locks; ``notifications_send``
  does both: ``manage.py send_notifications`` (cron, hourly) and the task
  ``projects.tasks.send_notifications`` (workers) call it.
- ``bell``: the unread count of the top bar, kept in the cache (no query on kept pages).
"""

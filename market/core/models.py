"""Base models every app may use."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: creation and modification times (stored in UTC, shown in Asia/Jakarta)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TaskOutbox(models.Model):
    """A task whose sending failed after its transaction committed (the broker was down), or one kept
    in the transaction that made it due (``delay_durably``) until it is sent after the commit.

    ``task_outbox_flush_task`` sends it once the broker answers again; tasks are idempotent, so a
    send that happened but was not recorded does no harm when repeated.
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    options = models.JSONField(_("sending options"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("task waiting for the broker")
        verbose_name_plural = _("tasks waiting for the broker")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"

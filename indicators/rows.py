"""The view side of a scored quarter row (indicators.models.ScoredQuarterRow): the
evaluation screen's rows and the KPI page's quarters are saved, refused and shown alike.

A row save answers 200 saved, 422 invalid, 409 saved by somebody else meanwhile (the form
keeps what was typed, now based on the stored version, beside the stored values) or 423
quarter closed (the inputs greyed out with what was typed). The messages under a row are
templates/indicators/_row_messages.html.
"""

from dataclasses import dataclass
from typing import NamedTuple

from indicators import services
from indicators.forms import ScoredQuarterForm
from projects.locking import EditConflict


@dataclass
class ScoredRow:
    """What a row template shows of one scored quarter row (ScoredQuarterForm) after a save:
    saved, refused by a conflict (``conflict``: the stored row) or by a quarter closed
    meanwhile (``locked_now``). templates/indicators/_row_messages.html shows the last two."""

    form: ScoredQuarterForm
    saved: bool = False
    conflict: object = None
    locked_now: bool = False

    @property
    def theirs(self) -> list[tuple[str, str]]:
        return self.form.stored_values(self.conflict) if self.conflict is not None else []


def row_inputs(form: ScoredQuarterForm, *, label: str) -> ScoredQuarterForm:
    """The inputs sit in the row's cells and the <form> in the last one: each input names
    its form and says which row it belongs to."""
    for name, field in form.fields.items():
        if name != "version":
            field.widget.attrs["form"] = f"form-{form.prefix}"
            field.widget.attrs["aria-label"] = f"{field.label} {label}"
    return form


class RowSave(NamedTuple):
    status: int  # 200 saved, 409 conflict, 422 invalid, 423 quarter locked
    form: object
    conflict: object | None = None
    locked_now: bool = False


def save_row(request, make_form, *, version_field: str, save) -> RowSave:
    """Validate the posted row (``make_form(data)``) and ``save(form)`` it. On a locked
    quarter the form comes back greyed out with what was typed; on a conflict with what
    was typed, now based on the stored version, so that a second save is a deliberate
    overwrite, never a silent one."""
    form = make_form(request.POST)
    if not form.is_valid():
        return RowSave(422, form)
    try:
        save(form)
    except services.QuarterLocked:
        for name, field in form.fields.items():
            if name != "version":
                # A disabled *widget* keeps what was typed (a disabled field would show
                # the stored value instead).
                field.widget.attrs["disabled"] = True
        return RowSave(423, form, locked_now=True)
    except EditConflict as exc:
        data = request.POST.copy()
        data[version_field] = str(exc.version)
        form = make_form(data)
        form.is_valid()
        return RowSave(409, form, conflict=exc.current)
    return RowSave(200, form)

"""What an import does to one row: created, updated, deleted, left unchanged, or kept (a
row the file does not show, left alone). Shared by the page importer and the workbook
importer, whose previews list these changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "created": _("สร้างใหม่"),
    "updated": _("แก้ไข"),
    "deleted": _("ลบ"),
    "unchanged": _("ไม่เปลี่ยนแปลง"),
    "kept": _("คงไว้ (ไม่มีในหน้า)"),
}


@dataclass(frozen=True)
class ImportChange:
    """One row the import creates, updates, deletes or leaves alone.

    ``model`` is the model's Thai name, ``key`` says which row ("ขั้นตอน 3"),
    ``fields`` the Thai names of the fields an update changes.
    """

    model: str
    key: str
    action: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{ACTIONS[self.action]} {self.model} {self.key}"
        if self.fields:
            text += f" ({', '.join(self.fields)})"
        return text

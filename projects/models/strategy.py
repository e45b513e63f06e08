"""The strategy tree of the BMA development plan: ด้าน → มิติ → เป้าหมาย, and routine work
(ภารกิจงานประจำของหน่วยงาน). Codes nest ("5", "5.5", "5.5.1"); projects.strategy holds the
rules of codes and of matching free text to them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects import strategy


class StrategyLevel(models.TextChoices):
    PILLAR = strategy.PILLAR, _("ด้าน")
    DIMENSION = strategy.DIMENSION, _("มิติ")
    GOAL = strategy.GOAL, _("เป้าหมาย")
    ROUTINE = strategy.ROUTINE, _("ภารกิจงานประจำของหน่วยงาน")


# How a node is named in a path: "ด้านที่ 5 มหานครประชาธิปไตย".
LEVEL_WORDS = {
    strategy.PILLAR: _("ด้านที่"),
    strategy.DIMENSION: _("มิติที่"),
    strategy.GOAL: _("เป้าหมายที่"),
}


class StrategyNodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class StrategyNode(models.Model):
    level = models.CharField(_("ระดับ"), max_length=20, choices=StrategyLevel.choices)
    code = models.CharField(_("รหัส"), max_length=30, unique=True, help_text=_("เช่น 5, 5.5, 5.5.1"))
    name = models.CharField(_("ชื่อ"), max_length=500)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("อยู่ภายใต้"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("ลำดับ"), default=0)

    objects = StrategyNodeManager()

    class Meta:
        verbose_name = _("ยุทธศาสตร์ (ด้าน มิติ เป้าหมาย)")
        verbose_name_plural = _("แผนพัฒนากรุงเทพมหานคร: ด้าน มิติ เป้าหมาย")
        ordering = ["order", "code"]
        constraints = [
            # Top levels stand alone; มิติ and เป้าหมาย hang under a node (its level is
            # checked by clean() and the services: a constraint cannot read another row).
            models.CheckConstraint(
                condition=(
                    Q(level__in=[strategy.PILLAR, strategy.ROUTINE]) & Q(parent__isnull=True)
                )
                | (Q(level__in=[strategy.DIMENSION, strategy.GOAL]) & Q(parent__isnull=False)),
                name="strategy_node_parent_by_level",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[c for c, _label in StrategyLevel.choices]),
                name="strategy_node_level_known",
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self) -> tuple[str]:
        """Fixtures name a node by its code (fixtures/seed.json links the routine node "R",
        whatever its id)."""
        return (self.code,)

    @property
    def label(self) -> str:
        """ "ด้านที่ 5 มหานครประชาธิปไตย", "มิติที่ 5.5 …"; routine work by its name."""
        word = LEVEL_WORDS.get(self.level)
        if word is None:
            return self.name
        return f"{word} {self.code} {self.name}".strip()

    @property
    def path(self) -> list["StrategyNode"]:
        """The node's ancestors from the top, then the node (select_related
        ``parent__parent`` to read it without queries)."""
        nodes = [self]
        while nodes[0].parent_id is not None and len(nodes) < 4:
            nodes.insert(0, nodes[0].parent)
        return nodes

    def subtree_ids(self) -> list[int]:
        """The node's id and those of every node under it (one query: the tree is three
        levels deep)."""
        return list(
            StrategyNode.objects.filter(
                Q(pk=self.pk) | Q(parent=self.pk) | Q(parent__parent=self.pk)
            ).values_list("pk", flat=True)
        )

    def clean(self):
        errors = node_errors(self.level, self.code, self.parent)
        if self.pk and self.parent_id == self.pk:
            errors.setdefault("parent", []).append(_("ยุทธศาสตร์อยู่ภายใต้ตัวเองไม่ได้"))
        if errors:
            raise ValidationError(errors)


def node_errors(level: str, code: str, parent: "StrategyNode | None") -> dict[str, list]:
    """Thai errors by field of a node's level, code and parent (the parent's level must be
    the level above: a มิติ under a ด้าน, a เป้าหมาย under a มิติ)."""
    errors: dict[str, list] = {}
    wanted = strategy.PARENT_LEVEL.get(level)
    if wanted is None and parent is not None:
        errors["parent"] = [_("ด้านและภารกิจงานประจำของหน่วยงานไม่อยู่ภายใต้ยุทธศาสตร์อื่น")]
    elif wanted is not None and (parent is None or parent.level != wanted):
        errors["parent"] = [
            _("%(level)s ต้องอยู่ภายใต้%(parent)s")
            % {"level": StrategyLevel(level).label, "parent": StrategyLevel(wanted).label}
        ]
    if "parent" not in errors and not strategy.code_fits(
        level, code, parent.code if parent else None
    ):
        errors["code"] = [_code_hint(level, parent)]
    return errors


def _code_hint(level: str, parent) -> str:
    if level == strategy.ROUTINE:
        return str(_("รหัสของภารกิจงานประจำของหน่วยงานคือ R"))
    if level == strategy.PILLAR:
        return str(_("รหัสของด้านเป็นตัวเลข เช่น 5"))
    return str(
        _("รหัสต้องขึ้นต้นด้วยรหัสของ %(parent)s ตามด้วยจุดและตัวเลข เช่น %(example)s")
        % {"parent": parent.code, "example": f"{parent.code}.1"}
    )

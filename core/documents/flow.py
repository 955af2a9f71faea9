"""The flow chart of a procedure: one box per step, arrows in order.

Steps that count toward the legal deadline run down the left lane; steps that do not
(听证, 检验, 检测, 鉴定, 专家评审: 行政许可法 art. 45) sit in a right lane of their
own, drawn dashed, under a lane title saying they are excluded from the deadline, so
a citizen sees at a glance which waits the promised days do not cover. With no such
step there is a single centred lane and no titles.

Everything is measured before it is drawn (box text wraps character by character to
the box width), so nothing leaves the frame; a chart taller than the space left
splits between steps. Imported only when a document is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from core.documents.parts import FlowStep

NAME_SIZE = 10.0
LIMIT_SIZE = 8.0
LANE_TITLE_SIZE = 8.0
PAD = 2.0 * mm
GAP = 6.0 * mm  # vertical room for an arrow between two boxes
COUNTED_TITLE = "计入法定办结时限的环节"
EXCLUDED_TITLE = "不计入法定办结时限的环节（听证、检验、检测、鉴定、专家评审等）"
BOX = colors.HexColor("#1F4E79")
BOX_FILL = colors.HexColor("#EEF3F9")
SIDE = colors.HexColor("#8A5A00")
SIDE_FILL = colors.HexColor("#FFF6E5")


def wrap_chars(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (Chinese: between any two characters)."""
    lines: list[str] = []
    current = ""
    for char in text:
        if char == "\n":
            lines.append(current)
            current = ""
            continue
        if current and stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = ""
        current += char
    if current or not lines:
        lines.append(current)
    return lines


class FlowChart(Flowable):  # type: ignore[misc]
    def __init__(self, steps: Sequence[FlowStep], font: str, *, titled: bool | None = None) -> None:
        super().__init__()
        self.steps = list(steps)
        self.font = font
        # Two lanes whenever any step of the whole chart is excluded (kept across splits).
        self.two_lanes = any(not s.counts for s in self.steps) if titled is None else titled
        self._rows: list[tuple[list[str], list[str], float]] = []

    # -- measuring -------------------------------------------------------------------
    def _lanes(self, width: float) -> tuple[float, float, float]:
        """x of the main lane, x of the side lane, box width."""
        if not self.two_lanes:
            box = min(width, 70 * mm)
            return (width - box) / 2, (width - box) / 2, box
        box = min((width - 8 * mm) / 2, 70 * mm)
        return 0.0, width - box, box

    def _title_height(self) -> float:
        return LANE_TITLE_SIZE * 1.4 * 2 + 2 * mm if self.two_lanes else 0.0

    def _measure(self, width: float) -> None:
        _, _, box = self._lanes(width)
        inner = box - 2 * PAD
        self._rows = []
        for step in self.steps:
            names = wrap_chars(step.name, self.font, NAME_SIZE, inner)
            limits = (
                wrap_chars(step.time_limit, self.font, LIMIT_SIZE, inner) if step.time_limit else []
            )
            height = 2 * PAD + len(names) * NAME_SIZE * 1.3 + len(limits) * LIMIT_SIZE * 1.3
            self._rows.append((names, limits, height))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self._measure(availWidth)
        boxes = sum(h for _, _, h in self._rows)
        self.height = self._title_height() + boxes + GAP * max(0, len(self._rows) - 1)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._measure(availWidth)
        used = self._title_height()
        fits = 0
        for index, (_, _, height) in enumerate(self._rows):
            used += height + (GAP if index else 0)
            if used > availHeight:
                break
            fits += 1
        if fits == 0 or fits >= len(self.steps):
            return []
        return [
            FlowChart(self.steps[:fits], self.font, titled=self.two_lanes),
            FlowChart(self.steps[fits:], self.font, titled=self.two_lanes),
        ]

    # -- drawing ---------------------------------------------------------------------
    def draw(self) -> None:
        canvas = self.canv
        main_x, side_x, box = self._lanes(self.width)
        y = self.height
        if self.two_lanes:
            canvas.setFont(self.font, LANE_TITLE_SIZE)
            canvas.setFillColor(BOX)
            for i, line in enumerate(wrap_chars(COUNTED_TITLE, self.font, LANE_TITLE_SIZE, box)):
                canvas.drawString(main_x, y - LANE_TITLE_SIZE * (1 + 1.4 * i), line)
            canvas.setFillColor(SIDE)
            for i, line in enumerate(wrap_chars(EXCLUDED_TITLE, self.font, LANE_TITLE_SIZE, box)):
                canvas.drawString(side_x, y - LANE_TITLE_SIZE * (1 + 1.4 * i), line)
            y -= self._title_height()
        previous: tuple[float, float] | None = None  # bottom centre of the box above
        for step, (names, limits, height) in zip(self.steps, self._rows, strict=True):
            x = main_x if step.counts else side_x
            bottom = y - height
            self._box(x, bottom, box, height, step, names, limits)
            top_centre = (x + box / 2, y)
            if previous is not None:
                self._arrow(previous, top_centre)
            previous = (x + box / 2, bottom)
            y = bottom - GAP

    def _box(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        step: FlowStep,
        names: list[str],
        limits: list[str],
    ) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(0.8)
        if step.counts:
            canvas.setStrokeColor(BOX)
            canvas.setFillColor(BOX_FILL)
        else:
            canvas.setStrokeColor(SIDE)
            canvas.setFillColor(SIDE_FILL)
            canvas.setDash(3, 2)
        canvas.roundRect(x, y, width, height, 2 * mm, stroke=1, fill=1)
        canvas.setDash()
        canvas.setFillColor(colors.black)
        line_y = y + height - PAD - NAME_SIZE
        canvas.setFont(self.font, NAME_SIZE)
        for line in names:
            canvas.drawCentredString(x + width / 2, line_y, line)
            line_y -= NAME_SIZE * 1.3
        canvas.setFont(self.font, LIMIT_SIZE)
        canvas.setFillColor(colors.HexColor("#444444"))
        for line in limits:
            canvas.drawCentredString(x + width / 2, line_y + (NAME_SIZE - LIMIT_SIZE), line)
            line_y -= LIMIT_SIZE * 1.3
        canvas.restoreState()

    def _arrow(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Down from ``start`` to ``end``; an elbow when the lanes differ."""
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#333333"))
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.setLineWidth(0.8)
        (x0, y0), (x1, y1) = start, end
        head = 1.6 * mm
        path = canvas.beginPath()
        path.moveTo(x0, y0)
        if abs(x0 - x1) < 0.1:
            path.lineTo(x1, y1 + head)
        else:
            middle = (y0 + y1) / 2
            path.lineTo(x0, middle)
            path.lineTo(x1, middle)
            path.lineTo(x1, y1 + head)
        canvas.drawPath(path, stroke=1, fill=0)
        tip = canvas.beginPath()
        tip.moveTo(x1, y1)
        tip.lineTo(x1 - head * 0.6, y1 + head)
        tip.lineTo(x1 + head * 0.6, y1 + head)
        tip.close()
        canvas.drawPath(tip, stroke=0, fill=1)
        canvas.restoreState()

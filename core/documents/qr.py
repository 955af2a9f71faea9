"""QR codes with reportlab's own widget (reportlab.graphics.barcode.qr).

Drawn as vector squares, so a 25 mm code decodes from a 200 dpi scan; error
correction M (15 %) survives a crease or a stamp. A caption under the code says
what it opens. Imported only when a document is rendered.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Rect
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from core.documents.flow import wrap_chars

CAPTION_SIZE = 8.0


class QrCode(Flowable):  # type: ignore[misc]
    def __init__(
        self,
        data: str,
        font: str,
        *,
        size_mm: float = 30.0,
        caption: str = "",
        align: str = "CENTER",
    ) -> None:
        super().__init__()
        self.data = data
        self.font = font
        self.size = size_mm * mm
        self.caption = caption
        self.hAlign = align.upper()
        self._lines: list[str] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.size = min(self.size, availWidth)
        width = max(self.size, 40 * mm) if self.caption else self.size
        self.width = min(width, availWidth)
        self._lines = (
            wrap_chars(self.caption, self.font, CAPTION_SIZE, self.width) if self.caption else []
        )
        self.height = self.size + len(self._lines) * CAPTION_SIZE * 1.35
        return self.width, self.height

    def draw(self) -> None:
        # The widget lays the code out as rectangles (quiet zone included); they are
        # drawn straight onto the canvas: renderPDF would set reportlab's default font
        # (Helvetica, not embedded) for a picture without any text.
        widget = QrCodeWidget(self.data, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        scale = self.size / max(x1 - x0, y1 - y0)
        left = (self.width - self.size) / 2
        bottom = self.height - self.size
        canvas = self.canv
        canvas.saveState()
        canvas.translate(left, bottom)
        canvas.scale(scale, scale)
        for shape in widget.draw().contents:
            if isinstance(shape, Rect) and shape.fillColor is not None:
                canvas.setFillColor(shape.fillColor)
                canvas.rect(shape.x - x0, shape.y - y0, shape.width, shape.height, stroke=0, fill=1)
        canvas.restoreState()
        self.canv.setFont(self.font, CAPTION_SIZE)
        y = self.height - self.size - CAPTION_SIZE
        for line in self._lines:
            self.canv.drawCentredString(self.width / 2, y, line)
            y -= CAPTION_SIZE * 1.35

"""QR codes with reportlab's own widget (reportlab.graphics.barcode.qr).

Drawn as vector squares, so a 25 mm code decodes from a 200 dpi scan; error
correction M (15 %) survives a crease or a stamp. A caption under the code says
what it opens. Imported only when a document is rendered.
"""

from __future__ import annotations

import functools
import itertools

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from core.documents.flow import wrap_chars

CAPTION_SIZE = 8.0
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


@functools.lru_cache(maxsize=256)
def qr_modules(data: str) -> tuple[tuple[bool, ...], ...]:
    """The dark/light modules of ``data``'s code, by reportlab's encoder (level M).

    Encoding tries all eight mask patterns (~10 ms for a URL); a guide printed again
    reuses the result. Drawing the modules ourselves rather than through the widget's
    shapes and renderPDF is 5× faster (thousands of validated shape objects) and
    names no font: renderPDF would set reportlab's unembedded default.
    """
    widget = QrCodeWidget(data, barLevel="M")
    widget.qr.make()
    return tuple(tuple(bool(m) for m in row) for row in widget.qr.modules)


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
        modules = qr_modules(self.data)
        count = len(modules) + 2 * QUIET_ZONE
        box = self.size / count
        left = (self.width - self.size) / 2
        top = self.height  # the code's top edge, in this flowable's coordinates
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(black)
        # One rectangle per run of dark modules in a row, straight onto the canvas.
        for row_index, row in enumerate(modules):
            y = top - (row_index + QUIET_ZONE + 1) * box
            column = 0
            for dark, run in itertools.groupby(row):
                length = len(list(run))
                if dark:
                    x = left + (column + QUIET_ZONE) * box
                    canvas.rect(x, y, length * box, box, stroke=0, fill=1)
                column += length
        canvas.restoreState()
        self.canv.setFont(self.font, CAPTION_SIZE)
        y = self.height - self.size - CAPTION_SIZE
        for line in self._lines:
            self.canv.drawCentredString(self.width / 2, y, line)
            y -= CAPTION_SIZE * 1.35

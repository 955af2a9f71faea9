"""Reading a PDF back with poppler's tools, as a person's viewer would."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


def text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert match, info.stdout
    return int(match.group(1))


@dataclass(frozen=True)
class FontRow:
    name: str
    type: str
    embedded: bool


def fonts(pdf: Path) -> list[FontRow]:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        # name, type (may hold a space: "Type 1", "CID TrueType"), encoding, emb, sub, uni, id
        match = re.match(r"^(\S+)\s+(.+?)\s{2,}\S+\s+(yes|no)\s+(yes|no)\s+(yes|no)", line)
        assert match, line
        rows.append(FontRow(match.group(1), match.group(2), match.group(3) == "yes"))
    return rows


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    page_width: float
    page_height: float


def words(pdf: Path) -> list[Word]:
    """Every word with its box (points, origin top left) and its page's size."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    found: list[Word] = []
    page_no, width, height = 0, 0.0, 0.0
    for line in html.splitlines():
        page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
        if page:
            page_no += 1
            width, height = float(page.group(1)), float(page.group(2))
            continue
        word = re.search(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*)</word>',
            line,
        )
        if word:
            x0, y0, x1, y1 = (float(word.group(i)) for i in range(1, 5))
            found.append(Word(page_no, word.group(5), x0, y0, x1, y1, width, height))
    return found


def decode_qr(pdf: Path, page: int, workdir: Path) -> list[str]:
    """Render one page at 200 dpi and read every QR code on it with zbarimg."""
    prefix = workdir / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(prefix) + ".png"], capture_output=True, text=True
    )
    return [line for line in result.stdout.splitlines() if line]


def ink_in_margins(pdf: Path, workdir: Path, *, side_mm: float, edge_mm: float = 5.0) -> list[str]:
    """Render every page (grey, 72 dpi) and list where anything is drawn in the side
    margins (beyond ``side_mm`` from the left and right edges: text, lines, boxes, QR
    squares alike) or within ``edge_mm`` of the top or bottom edge."""
    from PIL import Image

    prefix = workdir / "ink"
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", str(pdf), str(prefix)], check=True)
    found = []
    for image_path in sorted(workdir.glob("ink-*.png")):
        image = Image.open(image_path).convert("L")
        width, height = image.size
        px_per_mm = 72 / 25.4
        side = int(side_mm * px_per_mm)
        edge = int(edge_mm * px_per_mm)
        strips = {
            "left": (0, 0, side, height),
            "right": (width - side, 0, width, height),
            "top": (0, 0, width, edge),
            "bottom": (0, height - edge, width, height),
        }
        for name, box in strips.items():
            darkest = image.crop(box).getextrema()[0]
            if darkest < 200:
                found.append(f"{image_path.name}: {name} margin has ink ({darkest})")
    return found

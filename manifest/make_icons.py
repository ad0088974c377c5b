"""Draws the two Teams app icons into manifest/icons/ with the standard library only.

    python manifest/make_icons.py            # writes icons/color.png and icons/outline.png
    python manifest/make_icons.py --check    # exits 1 when the committed PNGs are out of date

The glyph is a loop: a ring with a gap and an arrowhead chasing its own tail, around a dot (the
thing learnt). Teams wants a 192x192 full-colour icon (the glyph on the accent colour) and a
32x32 outline icon (white on a transparent background). Edges are anti-aliased by supersampling;
the output is byte-for-byte deterministic, so the PNGs in git can be checked against this script.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

ICONS_DIR = Path(__file__).resolve().with_name("icons")
ACCENT = (0x0E, 0x7C, 0x66)  # the manifest's accentColor, #0E7C66
WHITE = (0xFF, 0xFF, 0xFF)

Shape = Callable[[float, float], bool]


# -- the glyph, in unit coordinates: x right, y up, the glyph fits the circle of radius 1 --------

RING_OUTER, RING_INNER = 0.80, 0.56
GAP_FROM, GAP_TO = math.radians(20), math.radians(80)  # the opening, upper right
ARROW_HALF_WIDTH, ARROW_LENGTH = 0.27, 0.36
DOT_RADIUS = 0.18


def _ring(x: float, y: float) -> bool:
    r = math.hypot(x, y)
    if not RING_INNER <= r <= RING_OUTER:
        return False
    angle = math.atan2(y, x) % math.tau
    return not GAP_FROM <= angle <= GAP_TO


def _arrowhead(x: float, y: float) -> bool:
    # The ring runs counter-clockwise from the gap's upper edge round to its lower edge; the head
    # sits on that lower edge and points along the ring's direction of travel, into the gap.
    middle = (RING_OUTER + RING_INNER) / 2
    cx, cy = middle * math.cos(GAP_FROM), middle * math.sin(GAP_FROM)
    tx, ty = -math.sin(GAP_FROM), math.cos(GAP_FROM)  # counter-clockwise tangent
    nx, ny = math.cos(GAP_FROM), math.sin(GAP_FROM)  # outward normal
    corners = (
        (cx + nx * ARROW_HALF_WIDTH, cy + ny * ARROW_HALF_WIDTH),
        (cx + tx * ARROW_LENGTH, cy + ty * ARROW_LENGTH),
        (cx - nx * ARROW_HALF_WIDTH, cy - ny * ARROW_HALF_WIDTH),
    )
    return _inside_triangle(x, y, corners)


def _inside_triangle(x: float, y: float, corners: tuple[tuple[float, float], ...]) -> bool:
    signs = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        signs.append((bx - ax) * (y - ay) - (by - ay) * (x - ax) >= 0)
    return all(signs) or not any(signs)


def _dot(x: float, y: float) -> bool:
    return math.hypot(x, y) <= DOT_RADIUS


def glyph(x: float, y: float) -> bool:
    return _ring(x, y) or _arrowhead(x, y) or _dot(x, y)


# -- rasterising ----------------------------------------------------------------------------------


def coverage(shape: Shape, size: int, *, scale: float, samples: int) -> list[list[float]]:
    """Fraction of each pixel covered by `shape`, the unit circle mapped to `scale` of the icon."""
    half = size / 2
    step = 1 / samples
    offsets = [(i + 0.5) * step for i in range(samples)]
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = 0
            for oy in offsets:
                y = (half - (py + oy)) / (half * scale)
                for ox in offsets:
                    hits += shape((px + ox - half) / (half * scale), y)
            row.append(hits / (samples * samples))
        rows.append(row)
    return rows


def color_icon(size: int = 192) -> bytes:
    """Full colour: the white glyph on the accent colour, opaque (Teams rounds the corners)."""
    cover = coverage(glyph, size, scale=0.62, samples=4)
    rows = []
    for line in cover:
        row = bytearray()
        for c in line:
            row += bytes(round(a + (w - a) * c) for a, w in zip(ACCENT, WHITE, strict=True))
        rows.append(bytes(row))
    return png(size, size, rows, alpha=False)


def outline_icon(size: int = 32) -> bytes:
    """Outline: white only, on a fully transparent background; coverage becomes alpha."""
    cover = coverage(glyph, size, scale=0.94, samples=8)
    rows = [b"".join(bytes((*WHITE, round(255 * c))) for c in line) for line in cover]
    return png(size, size, rows, alpha=True)


# -- a minimal PNG writer (8-bit RGB or RGBA, no filtering, no timestamps) -------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, rows: list[bytes], *, alpha: bool) -> bytes:
    channels = 4 if alpha else 3
    if len(rows) != height or any(len(row) != width * channels for row in rows):
        raise ValueError("rows do not match the image size")
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 (None) on every scanline
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def icons() -> Iterator[tuple[str, bytes]]:
    yield "color.png", color_icon()
    yield "outline.png", outline_icon()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, data in icons():
        path = ICONS_DIR / name
        if check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
            continue
        ICONS_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    if stale:
        names = ", ".join(stale)
        print(f"out of date: {names}; run python manifest/make_icons.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

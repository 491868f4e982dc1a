"""Draw the installable web app's icons (static/img/icon-*.png) from the site's look: the speech
bubble of static/img/favicon.svg, white on the brand blue. Run once after changing the look:
`.venv/bin/python scripts/make_app_icons.py`; the PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (11, 79, 138)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "img"


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # drawn large, then downsampled: smooth edges without an SVG renderer
    big = size * scale
    image = Image.new("RGB", (big, big), BRAND)
    pen = ImageDraw.Draw(image)
    # A maskable icon keeps its drawing inside the central 80 % safe zone (the launcher crops).
    inset = big * (0.24 if maskable else 0.16)
    left, top, right = inset, inset * 1.1, big - inset
    bottom = big - inset * 1.6
    radius = big * 0.08
    pen.rounded_rectangle((left, top, right, bottom), radius=radius, fill=WHITE)
    tail_x = left + (right - left) * 0.22
    pen.polygon(
        [(tail_x, bottom - 1), (tail_x + big * 0.16, bottom - 1), (tail_x, bottom + big * 0.14)],
        fill=WHITE,
    )
    line = big * 0.05
    x0 = left + (right - left) * 0.18
    for y, x1 in ((0.38, 0.82), (0.62, 0.6)):
        yy = top + (bottom - top) * y
        pen.rounded_rectangle(
            (x0, yy - line / 2, left + (right - left) * x1, yy + line / 2),
            radius=line / 2,
            fill=BRAND,
        )
    return image.resize((size, size), Image.LANCZOS).quantize(colors=32)


def main() -> None:
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ):
        draw(size, maskable=maskable).save(OUT / name, optimize=True)


if __name__ == "__main__":
    main()

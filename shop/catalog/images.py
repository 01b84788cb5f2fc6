"""Product and region pictures drawn locally with Pillow: the demo never downloads an image.

Each picture is a gradient in the category's colours, a pattern of simple shapes that suggests the
category (mushrooms, grains, tea leaves, honeycomb…) and a card with the product's name.  Chinese
text is drawn only with a CJK font found on the machine; without one the card carries the English
name alone, so a picture never shows empty boxes.  The same inputs always give the same bytes.
"""
from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import random
import zlib
from typing import Callable

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PRODUCT_SIZE = 800
BANNER_SIZE = (1200, 480)
JPEG_QUALITY = 86

# Fonts that hold CJK glyphs, in order of preference (Debian/Ubuntu paths; SHOP_CJK_FONT overrides).
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
LATIN_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)

# category slug -> (gradient top, gradient bottom, shape colours)
PALETTES: dict[str, tuple[tuple, tuple, list[tuple]]] = {
    "mushrooms-fungi": ((246, 236, 220), (205, 176, 140), [(128, 84, 52), (92, 62, 46), (236, 220, 190)]),
    "grain-rice": ((252, 248, 234), (230, 210, 160), [(255, 253, 244), (238, 226, 196), (196, 170, 100)]),
    "tea": ((228, 242, 222), (112, 164, 114), [(48, 110, 62), (86, 148, 88), (30, 80, 50)]),
    "honey": ((255, 243, 205), (238, 176, 62), [(222, 140, 30), (250, 204, 96), (190, 110, 20)]),
    "oil": ((251, 246, 214), (206, 186, 96), [(214, 164, 34), (244, 206, 88), (150, 140, 50)]),
    "fruit": ((250, 246, 226), (214, 222, 150), [(204, 212, 86), (232, 186, 72), (206, 96, 62)]),
    "herbs-tonics": ((247, 238, 228), (196, 136, 112), [(192, 36, 40), (70, 120, 62), (150, 96, 60)]),
    "preserved": ((252, 234, 224), (218, 112, 84), [(112, 70, 50), (150, 96, 62), (200, 48, 36)]),
    "dried-goods": ((242, 232, 210), (186, 156, 116), [(128, 88, 58), (164, 122, 70), (92, 112, 52)]),
    "drinks": ((255, 242, 224), (242, 168, 98), [(236, 146, 56), (250, 204, 126), (200, 90, 40)]),
}
DEFAULT_PALETTE = ((236, 240, 236), (150, 170, 160), [(80, 110, 96), (120, 150, 130), (60, 80, 70)])


def product_photo_path(product_id: int, number: int = 1) -> str:
    """Where a product's picture lives, relative to MEDIA_DIR (served at /media/<path>)."""
    return f"products/{product_id}/{number}.jpg"


def region_banner_path(slug: str) -> str:
    """Where a region's banner lives, relative to MEDIA_DIR."""
    return f"regions/{slug}.jpg"


def shared_category_photo_path(category_slug: str) -> str:
    """One picture per category shared by synthetic (benchmark) products."""
    return f"products/shared/{category_slug}.jpg"


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """The first CJK-capable font on this machine, or None."""
    candidates = [os.environ.get("SHOP_CJK_FONT", "")] + list(CJK_FONT_CANDIDATES)
    for path in candidates:
        if path and os.path.isfile(path):
            try:
                ImageFont.truetype(path, 20)
            except OSError:
                continue
            return path
    return None


@functools.lru_cache(maxsize=64)
def _font(size: int, cjk: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path() if cjk else (cjk_font_path() or _latin_font_path())
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


@functools.lru_cache(maxsize=1)
def _latin_font_path() -> str | None:
    return next((p for p in LATIN_FONT_CANDIDATES if os.path.isfile(p)), None)


def _rng(seed: str) -> random.Random:
    # zlib.crc32, not hash(): hash() of a str changes between interpreter runs.
    return random.Random(zlib.crc32(seed.encode("utf-8")))


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _rotated(points, cx, cy, angle):
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in points]


def _with_alpha(colour: tuple, alpha: int) -> tuple:
    return colour[:3] + (alpha,)


# --- shapes, one family per category; each draws on an RGBA layer at (cx, cy) with size r ------

def _mushroom(d, rng, cx, cy, r, colours):
    cap, dark, stem = colours[0], colours[1], colours[2]
    d.rounded_rectangle([cx - r * 0.3, cy - r * 0.1, cx + r * 0.3, cy + r * 1.0], radius=r * 0.25,
                        fill=_with_alpha(stem, 235))
    d.pieslice([cx - r, cy - r * 0.75, cx + r, cy + r * 0.75], 180, 360, fill=_with_alpha(cap, 235))
    d.arc([cx - r * 0.7, cy - r * 0.5, cx + r * 0.7, cy + r * 0.5], 200, 340, fill=_with_alpha(dark, 160),
          width=max(2, int(r * 0.06)))


def _grain(d, rng, cx, cy, r, colours):
    a, b = r * 0.55, r * 0.24
    pts = [(a * math.cos(t / 16 * math.pi), b * math.sin(t / 16 * math.pi)) for t in range(32)]
    colour = colours[rng.randrange(2)]
    d.polygon(_rotated(pts, cx, cy, rng.uniform(0, math.pi)), fill=_with_alpha(colour, 240),
              outline=_with_alpha(colours[2], 120))


def _leaf(d, rng, cx, cy, r, colours):
    length, width = r * 1.6, r * 0.55
    upper = [(length * (t / 20 - 0.5), -width * math.sin(math.pi * t / 20)) for t in range(21)]
    lower = [(length * (t / 20 - 0.5), width * 0.8 * math.sin(math.pi * t / 20)) for t in range(20, -1, -1)]
    angle = rng.uniform(0, math.pi)
    d.polygon(_rotated(upper + lower, cx, cy, angle), fill=_with_alpha(colours[rng.randrange(2)], 225))
    vein = _rotated([(-length * 0.45, 0), (length * 0.45, 0)], cx, cy, angle)
    d.line(vein, fill=_with_alpha(colours[2], 170), width=max(2, int(r * 0.05)))


def _hexagon(d, rng, cx, cy, r, colours):
    pts = [(r * math.cos(math.pi / 3 * k + math.pi / 6), r * math.sin(math.pi / 3 * k + math.pi / 6))
           for k in range(6)]
    pts = [(cx + x, cy + y) for x, y in pts]
    filled = rng.random() < 0.45
    d.polygon(pts, fill=_with_alpha(colours[1], 200) if filled else None,
              outline=_with_alpha(colours[0], 220), width=max(3, int(r * 0.1)))


def _droplet(d, rng, cx, cy, r, colours):
    colour = _with_alpha(colours[rng.randrange(2)], 225)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    a = math.asin(1 / 2.2)
    d.polygon([(cx, cy - 2.2 * r), (cx - r * math.cos(a), cy - r * math.sin(a)),
               (cx + r * math.cos(a), cy - r * math.sin(a))], fill=colour)
    d.ellipse([cx - r * 0.5, cy - r * 0.45, cx - r * 0.15, cy - r * 0.05], fill=(255, 255, 255, 130))


def _fruit(d, rng, cx, cy, r, colours):
    body = colours[rng.randrange(2)]
    d.ellipse([cx - r, cy - r * 0.92, cx + r, cy + r * 0.92], fill=_with_alpha(body, 240))
    d.ellipse([cx - r * 0.5, cy - r * 0.55, cx - r * 0.3, cy - r * 0.35], fill=(255, 255, 255, 60))
    d.line([(cx, cy - r * 0.85), (cx + r * 0.1, cy - r * 1.25)], fill=(90, 70, 40, 230), width=max(3, int(r * 0.08)))
    green = [(88, 140, 60), (88, 140, 60), (50, 90, 40)]
    _leaf(d, random.Random(rng.random()), cx + r * 0.35, cy - r * 1.1, r * 0.35, green)


def _berries(d, rng, cx, cy, r, colours):
    for _ in range(7):
        bx, by = cx + rng.uniform(-r * 0.5, r * 0.5), cy + rng.uniform(-r * 0.5, r * 0.5)
        br = r * rng.uniform(0.18, 0.26)
        d.ellipse([bx - br, by - br, bx + br, by + br], fill=_with_alpha(colours[0], 235))
        d.ellipse([bx - br * 0.5, by - br * 0.6, bx - br * 0.1, by - br * 0.2], fill=(255, 255, 255, 120))
    for k in range(3):
        _leaf(d, rng, cx + math.cos(k * 2.1) * r * 0.95, cy + math.sin(k * 2.1) * r * 0.95, r * 0.5,
              [colours[1], colours[1], colours[2]])


def _crock(d, rng, cx, cy, r, colours):
    body = _with_alpha(colours[rng.randrange(2)], 240)
    d.ellipse([cx - r, cy - r * 0.9, cx + r, cy + r], fill=body)
    d.rectangle([cx - r * 0.55, cy - r * 1.05, cx + r * 0.55, cy - r * 0.7], fill=body)
    d.ellipse([cx - r * 0.65, cy - r * 1.2, cx + r * 0.65, cy - r * 0.9], fill=_with_alpha(colours[2], 230))
    d.arc([cx - r * 0.8, cy - r * 0.5, cx + r * 0.8, cy + r * 0.3], 20, 160, fill=(255, 255, 255, 70),
          width=max(2, int(r * 0.05)))


def _seed(d, rng, cx, cy, r, colours):
    a, b = r * 0.42, r * 0.32
    pts = [(a * math.cos(t / 12 * math.pi), b * math.sin(t / 12 * math.pi)) for t in range(24)]
    d.polygon(_rotated(pts, cx, cy, rng.uniform(0, math.pi)), fill=_with_alpha(colours[rng.randrange(3)], 235))


def _bottle(d, rng, cx, cy, r, colours):
    body = _with_alpha(colours[rng.randrange(2)], 230)
    d.rounded_rectangle([cx - r * 0.45, cy - r * 0.5, cx + r * 0.45, cy + r * 1.1], radius=r * 0.2, fill=body)
    d.rectangle([cx - r * 0.17, cy - r * 1.0, cx + r * 0.17, cy - r * 0.45], fill=body)
    d.rectangle([cx - r * 0.2, cy - r * 1.15, cx + r * 0.2, cy - r * 0.95], fill=_with_alpha(colours[2], 240))
    d.rectangle([cx - r * 0.45, cy, cx + r * 0.45, cy + r * 0.45], fill=(255, 255, 255, 150))


SHAPES = {
    "mushrooms-fungi": (_mushroom, 9, (55, 95)),
    "grain-rice": (_grain, 70, (30, 46)),
    "tea": (_leaf, 16, (50, 80)),
    "honey": (_hexagon, 0, (58, 58)),  # a honeycomb grid, see _pattern
    "oil": (_droplet, 12, (30, 55)),
    "fruit": (_fruit, 7, (60, 95)),
    "herbs-tonics": (_berries, 7, (55, 80)),
    "preserved": (_crock, 7, (55, 90)),
    "dried-goods": (_seed, 90, (20, 34)),
    "drinks": (_bottle, 8, (50, 80)),
}


def _pattern(size: tuple[int, int], category: str, colours: list[tuple], rng: random.Random,
             area: tuple[int, int, int, int]) -> Image.Image:
    """A transparent layer with the category's shapes scattered over ``area`` (drawn 2× for smooth edges)."""
    scale = 2
    w, h = size
    layer = Image.new("RGBA", (w * scale, h * scale), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    shape, count, (rmin, rmax) = SHAPES.get(category, (_seed, 40, (20, 40)))
    x0, y0, x1, y1 = (v * scale for v in area)
    if shape is _hexagon:
        r = rmin * scale
        dx, dy = r * math.sqrt(3), r * 1.5
        row = 0
        y = y0 - r
        while y < y1 + r:
            x = x0 - r + (dx / 2 if row % 2 else 0)
            while x < x1 + r:
                if rng.random() < 0.8:
                    shape(d, rng, x, y, r * 0.92, colours)
                x += dx
            y += dy
            row += 1
    else:
        for _ in range(count):
            r = rng.uniform(rmin, rmax) * scale
            shape(d, rng, rng.uniform(x0, x1), rng.uniform(y0, y1), r, colours)
    # Box-reduce in premultiplied alpha so shape edges don't pick up a dark fringe.
    return layer.convert("RGBa").reduce(scale).convert("RGBA")


def _fit_font(draw: ImageDraw.ImageDraw, text: str, max_width: int, start: int, smallest: int, cjk: bool):
    size = start
    while size > smallest:
        font = _font(size, cjk)
        if draw.textlength(text, font=font) <= max_width:
            return font
        size -= 4
    return _font(smallest, cjk)


def _shorten(draw, text: str, font, max_width: int) -> str:
    if draw.textlength(text, font=font) <= max_width:
        return text
    while text and draw.textlength(text + "…", font=font) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def render_product_image(name_zh: str, name_en: str, category: str, seed: str,
                         region_zh: str = "", region_en: str = "", size: int = PRODUCT_SIZE) -> Image.Image:
    """A square RGB picture for a product (deterministic for the same arguments)."""
    top, bottom, colours = PALETTES.get(category, DEFAULT_PALETTE)
    rng = _rng(f"{category}|{seed}")
    # Nudge the background per product so neighbours in a listing don't look identical.
    shift = [rng.randint(-14, 14) for _ in range(3)]
    top, bottom = (tuple(max(0, min(255, c + s)) for c, s in zip(colour, shift)) for colour in (top, bottom))
    image = _gradient((size, size), top, bottom)
    pattern = _pattern((size, size), category, colours, rng, (0, 0, size, int(size * 0.72)))
    shadow = pattern.split()[3].filter(ImageFilter.GaussianBlur(size // 100))
    image.paste((0, 0, 0), (size // 160, size // 100), shadow.point(lambda a: a * 35 // 100))
    image.paste(pattern, (0, 0), pattern)

    overlay = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    margin = size * 6 // 100
    card = [margin, size * 66 // 100, size - margin, size - margin]
    d.rounded_rectangle(card, radius=size // 28, fill=(255, 255, 255, 224))
    inner = card[2] - card[0] - 2 * margin
    has_cjk = cjk_font_path() is not None
    y = card[1] + size * 4 // 100
    if has_cjk and name_zh:
        font = _fit_font(d, name_zh, inner, size * 11 // 100, size * 5 // 100, cjk=True)
        text = _shorten(d, name_zh, font, inner)
        d.text((size // 2, y), text, font=font, fill=(38, 34, 30, 255), anchor="ma")
        y += font.size + size * 3 // 100
        en_start = size * 45 // 1000
    else:
        y += size * 3 // 100
        en_start = size * 7 // 100
    if name_en:
        font = _fit_font(d, name_en, inner, en_start, size * 3 // 100, cjk=False)
        d.text((size // 2, y), _shorten(d, name_en, font, inner), font=font, fill=(88, 80, 72, 255), anchor="ma")

    badge = " · ".join(part for part in ((region_zh if has_cjk else ""), region_en) if part)
    if badge:
        font = _font(size * 32 // 1000, cjk=has_cjk)
        tw = d.textlength(badge, font=font)
        pad = size // 60
        box = [margin, margin, margin + tw + 3 * pad, margin + font.size + 2 * pad]
        d.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=(30, 30, 30, 150))
        d.text((box[0] + 1.5 * pad, box[1] + pad), badge, font=font, fill=(255, 255, 255, 255))
    image.paste(overlay, (0, 0), overlay)
    return image


def _ridge(rng: random.Random, width: int, base: float, amplitude: float, waves: int = 4) -> list[float]:
    phases = [(rng.uniform(0.6, 2.8), rng.uniform(0, math.tau), amplitude / (k + 1)) for k in range(waves)]
    return [base - sum(a * math.sin(f * (k + 1) * x / width * math.pi + p) for k, (f, p, a) in enumerate(phases))
            for x in range(width + 1)]


def _mist_mask(width: int, height: int) -> Image.Image:
    # Fades in and out again, so the band has no hard edge.
    ramp = Image.linear_gradient("L").resize((width, height))
    return ramp.point(lambda v: min(v, 255 - v) * 110 // 255)


def render_region_banner(slug: str, name_zh: str, name_en: str, tagline_en: str = "",
                         landscape: str = "mountains", size: tuple[int, int] = BANNER_SIZE) -> Image.Image:
    """A wide landscape picture for a region page: snowy ridges ("mountains") or karst peaks ("karst")."""
    w, h = size
    rng = _rng(f"region|{slug}")
    if landscape == "karst":
        image = _gradient(size, (214, 232, 226), (246, 238, 214))
        layers = [(150, 186, 160), (100, 150, 112), (62, 112, 80)]
    else:
        image = _gradient(size, (186, 214, 238), (238, 240, 236))
        layers = [(160, 178, 196), (96, 126, 110), (54, 88, 70)]
    d = ImageDraw.Draw(image, "RGBA")
    d.ellipse([w * 0.74, h * 0.1, w * 0.74 + h * 0.22, h * 0.32], fill=(255, 246, 214, 220))
    for i, colour in enumerate(layers):
        base = h * (0.52 + 0.13 * i)
        if landscape == "karst":
            ys = [base] * (w + 1)
            for _ in range(9 + 4 * i):
                # Tower karst: steep-sided, round-topped peaks standing close together.
                cx, pw = rng.uniform(-50, w + 50), rng.uniform(28, 52) * (1 + i * 0.3)
                ph = rng.uniform(0.26, 0.44) * h * (1 - i * 0.18)
                for x in range(max(0, int(cx - 3 * pw)), min(w, int(cx + 3 * pw)) + 1):
                    ys[x] = min(ys[x], base - ph * math.exp(-abs((x - cx) / pw) ** 2.6))
        else:
            ys = _ridge(rng, w, base - (h * 0.12 if i == 0 else 0), h * (0.16 - 0.03 * i))
        d.polygon([(0, h)] + [(x, ys[x]) for x in range(0, w + 1, 4)] + [(w, h)], fill=colour + (255,))
        if i == 0 and landscape != "karst":
            # Snow on the highest ridge (Changbai's summit is white most of the year).
            peak = min(range(w + 1), key=lambda x: ys[x])
            snowline = ys[peak] + h * 0.09
            left = right = peak
            while left > 0 and ys[left - 1] < snowline:
                left -= 1
            while right < w and ys[right + 1] < snowline:
                right += 1
            top = [(x, ys[x]) for x in range(left, right + 1, 2)]
            edge = [(x, min(snowline + 7 * math.sin(x / 6.0), ys[x] + h * 0.05) if left < x < right else ys[x])
                    for x in range(right, left - 1, -2)]
            d.polygon(top + edge, fill=(250, 252, 255, 240))
        # Mist settles at the foot of each layer.
        image.paste((255, 255, 255), (0, int(base - h * 0.02)), _mist_mask(w, int(h * 0.14)))
    has_cjk = cjk_font_path() is not None
    x, y = w * 6 // 100, h * 10 // 100
    if has_cjk:
        font = _font(h * 13 // 100, cjk=True)
        d.text((x + 2, y + 2), name_zh, font=font, fill=(0, 0, 0, 90))
        d.text((x, y), name_zh, font=font, fill=(255, 255, 255, 255))
        y += font.size + h * 3 // 100
    font = _font(h * 6 // 100, cjk=False)
    d.text((x + 1, y + 1), name_en, font=font, fill=(0, 0, 0, 90))
    d.text((x, y), name_en, font=font, fill=(255, 255, 255, 255))
    return image


# Bump when the drawing changes, so existing pictures are redrawn on the next seed.
RENDER_VERSION = 2


def picture_key(*inputs: object) -> str:
    """A short fingerprint of everything a picture depends on (stored in the JPEG's comment)."""
    text = "|".join(map(str, (RENDER_VERSION, cjk_font_path() or "-", *inputs)))
    return "hb:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def jpeg_bytes(image: Image.Image, comment: str = "") -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, comment=comment.encode("ascii"))
    return buf.getvalue()


def ensure_jpeg(media_dir: str, relative_path: str, key: str, render: Callable[[], Image.Image]) -> tuple[int, int]:
    """Make sure MEDIA_DIR/relative_path holds the picture fingerprinted ``key``; return its size.

    Drawing costs about a tenth of a second, so a file whose comment already carries ``key`` is
    kept as it is; anything else (missing, stale, unreadable) is drawn and written again.
    """
    path = os.path.join(media_dir, relative_path)
    try:
        with Image.open(path) as existing:
            if existing.format == "JPEG" and existing.info.get("comment") == key.encode("ascii"):
                return existing.size
    except (OSError, ValueError):
        pass
    image = render()
    write_media(media_dir, relative_path, jpeg_bytes(image, comment=key))
    return image.size


def write_media(media_dir: str, relative_path: str, data: bytes) -> None:
    """Write ``data`` under MEDIA_DIR atomically; leave the file alone when it already holds ``data``."""
    path = os.path.join(media_dir, relative_path)
    try:
        with open(path, "rb") as fh:
            if fh.read() == data:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)

"""Draw the demo's sample photos: plain landscapes marked as samples, so that no one's photograph passes as news."""

import random
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

SIZE = (1600, 1000)


def landscape_jpeg(palette, seed):
    """
    Return a JPEG landscape in `palette`'s colours ("sky" at the top, "horizon", "sun",
    and "hills" from far to near): the same bytes for the same `seed`.
    """
    rng = random.Random(seed)
    width, height = SIZE
    gradient = Image.linear_gradient("L").resize(SIZE)  # Black at the top, white at the bottom.
    image = Image.composite(
        Image.new("RGB", SIZE, palette["horizon"]), Image.new("RGB", SIZE, palette["sky"]), gradient
    )
    draw = ImageDraw.Draw(image)
    sun_x, sun_y, radius = rng.randint(200, width - 200), rng.randint(120, 360), rng.randint(60, 110)
    draw.ellipse((sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=palette["sun"])
    for layer, colour in enumerate(palette["hills"]):
        base = int(height * (0.5 + 0.15 * layer))
        points = [(x, base - rng.randint(0, 140)) for x in range(-100, width + 200, rng.randint(180, 320))]
        draw.polygon([(-100, height), *points, (width + 200, height)], fill=colour)
    # Inset far enough to survive the 3:2 crop of the cards.
    font = ImageFont.load_default(size=48)
    draw.text((96, height - 96), "SAMPLE IMAGE", font=font, fill="white", stroke_width=2, stroke_fill="black")
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()

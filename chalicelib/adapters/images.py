"""Images as pixels only: decode, apply the EXIF orientation, re-encode from the bare pixels (no
EXIF, GPS, XMP, ICC, comments or maker notes survive: the new image is built from pixel bytes, and
Pillow's encoders write metadata only from what they are given), and a 64-bit dHash for the
reused-photo check (domain/evidence.py).

Imported only by the upload processor (chalicelib/wiring.py builds it lazily): Pillow and the
HEIC decoder are cold start the API never pays for. HEIC is decoded by pi-heif (the decode-only
build of pillow-heif: libheif + libde265, ~4 MB, no x265 encoder) and served as JPEG, which every
browser shows. Decompression bombs: more than MAX_PIXELS pixels is refused before decoding.
"""
from __future__ import annotations

import io
import warnings
from typing import Any

import pi_heif  # type: ignore[import-untyped]
from PIL import Image, ImageOps, UnidentifiedImageError

from ..services.attachments import Sanitised, UnreadableImage

MAX_PIXELS = 64_000_000          # a 48 MP phone photo fits; a 10 MB bomb of 1e9 pixels does not
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/heic": "HEIF"}
OUTPUT = {"image/jpeg": ("JPEG", "image/jpeg"), "image/png": ("PNG", "image/png"),
          "image/webp": ("WEBP", "image/webp"), "image/heic": ("JPEG", "image/jpeg")}
SAVE: dict[str, dict[str, Any]] = {"JPEG": {"quality": 88, "optimize": True}, "PNG": {"optimize": True},
                                   "WEBP": {"quality": 85}}

pi_heif.register_heif_opener()
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def sanitise(data: bytes, content_type: str) -> Sanitised:
    """The image re-encoded from its pixels (HEIC as JPEG), with its dHash; UnreadableImage when
    the bytes do not decode as `content_type` or are too large to decode."""
    fmt, served = OUTPUT[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[FORMATS[content_type]]) as im:
                im.load()
                upright = ImageOps.exif_transpose(im)
        pixels = _bare(upright, keep_alpha=fmt != "JPEG")
        out = io.BytesIO()
        pixels.save(out, format=fmt, **SAVE[fmt])
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UnreadableImage(type(exc).__name__) from None
    return Sanitised(out.getvalue(), served, dhash(pixels))


def _bare(im: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """A new image holding only `im`'s pixels (RGB, RGBA or L): nothing of its `info` comes along."""
    alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    if im.mode == "L" or (im.mode == "RGBA" and keep_alpha) or (im.mode == "RGB"):
        src = im
    elif alpha and keep_alpha:
        src = im.convert("RGBA")
    elif alpha:                                   # JPEG has no alpha: onto white
        rgba = im.convert("RGBA")
        src = Image.new("RGB", rgba.size, (255, 255, 255))
        src.paste(rgba, mask=rgba.getchannel("A"))
    else:
        src = im.convert("RGB")
    return Image.frombytes(src.mode, src.size, src.tobytes())


def dhash(im: Image.Image) -> str:
    """64-bit difference hash: 9×8 grey thumbnail, one bit per neighbour pair (is the left one
    brighter?), row by row; 16 hex digits. Survives re-encoding and resizing, not a new photo."""
    small = im.convert("L").resize((9, 8), Image.Resampling.LANCZOS).tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (small[row * 9 + col] > small[row * 9 + col + 1])
    return f"{bits:016x}"

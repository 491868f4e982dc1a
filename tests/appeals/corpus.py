"""Test files built in memory: real images with metadata to strip, and files that must be refused."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112
# Petropavlovsk-Kamchatsky: 53°01'N 158°39'E, where the citizen lives.
GPS = {1: "N", 2: (53.0, 1.0, 30.0), 3: "E", 4: (158.0, 39.0, 0.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'


def _minimal_pdf() -> bytes:
    """One empty page, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj %s endobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


MINIMAL_PDF = _minimal_pdf()


def _image_bytes(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_with_gps(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    """A 40×20 photo from a phone: GPS, make and model, rotated by EXIF (6: 90° clockwise), ICC, XMP, comment."""
    exif = Image.Exif()
    exif[MAKE] = "Apple"
    exif[MODEL] = "iPhone 15"
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update(GPS)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _image_bytes(
        Image.new("RGB", (40, 20), (200, 30, 30)),
        "JPEG",
        exif=exif.tobytes(),
        icc_profile=icc,
        xmp=XMP,
        comment=b"Ivanova Anna, Lenina 1",
    )
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def png_with_text(name: str = "scheme.png") -> SimpleUploadedFile:
    """A PNG with tEXt, zTXt and iTXt chunks naming its author."""
    info = PngInfo()
    info.add_text("Author", "Ivanova Anna")
    info.add_text("Comment", "Lenina 1, flat 5", zip=True)
    info.add_itxt("Description", "Петропавловск-Камчатский", lang="ru")
    data = _image_bytes(Image.new("RGBA", (16, 16), (0, 128, 0, 128)), "PNG", pnginfo=info)
    return SimpleUploadedFile(name, data, content_type="image/png")


def pdf(name: str = "complaint.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def html_as_jpg(name: str = "photo.jpg") -> SimpleUploadedFile:
    data = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def svg_with_script(name: str = "drawing.svg") -> SimpleUploadedFile:
    data = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script></svg>"
    )
    content_type = "image/png" if name.endswith(".png") else "image/svg+xml"
    return SimpleUploadedFile(name, data, content_type=content_type)


def gif(name: str = "animation.gif") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, _image_bytes(Image.new("RGB", (4, 4)), "GIF"), content_type="image/gif"
    )


def empty(name: str = "empty.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"", content_type="image/jpeg")


def oversized(name: str = "huge.jpg") -> SimpleUploadedFile:
    """11 MB starting with JPEG magic: the size alone must refuse it."""
    return SimpleUploadedFile(
        name, b"\xff\xd8\xff" + bytes(11 * 1024 * 1024), content_type="image/jpeg"
    )


def png_bomb(name: str = "bomb.png") -> SimpleUploadedFile:
    """A real 8000×6000 (48 megapixel) PNG that compresses to a few dozen kilobytes."""
    data = _image_bytes(Image.new("L", (8000, 6000)), "PNG")
    return SimpleUploadedFile(name, data, content_type="image/png")


def png_declaring(width: int, height: int, name: str = "header.png") -> SimpleUploadedFile:
    """A 1×1 PNG whose IHDR is patched to declare another size (with a correct CRC)."""
    data = bytearray(_image_bytes(Image.new("L", (1, 1)), "PNG"))
    ihdr = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return SimpleUploadedFile(name, bytes(data), content_type="image/png")

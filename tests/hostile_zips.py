"""Zip files that lie: the forgeries the hostile-zip tests feed to coprod's readers.

``zipfile`` will not write a header that disagrees with the data, so these helpers write an
honest zip and then overwrite the uncompressed-size field of one member, in both the local
file header and the central directory, leaving the data (and its CRC) as they were.
"""

from __future__ import annotations

import io
import struct
import zipfile

_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"


def with_member(zip_bytes: bytes, name: str, data: bytes) -> bytes:
    """``zip_bytes`` with one more (deflated) member."""
    buffer = io.BytesIO(zip_bytes)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buffer.getvalue()


def lie_about_size(zip_bytes: bytes, name: str, claimed: int) -> bytes:
    """The same zip, but member ``name``'s headers say it unpacks to ``claimed`` bytes."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        info = zf.getinfo(name)
    out = bytearray(zip_bytes)
    struct.pack_into("<I", out, info.header_offset + 22, claimed)  # local file header
    end = out.rindex(_END)
    position = struct.unpack_from("<I", out, end + 16)[0]  # where the central directory starts
    found = False
    while out[position:position + 4] == _CENTRAL:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, position + 28)
        if out[position + 46:position + 46 + name_len].decode("utf-8") == name:
            struct.pack_into("<I", out, position + 24, claimed)
            found = True
        position += 46 + name_len + extra_len + comment_len
    assert found, f"{name} is not in the central directory"
    with zipfile.ZipFile(io.BytesIO(bytes(out))) as zf:
        assert zf.getinfo(name).file_size == claimed  # the forgery took
    return bytes(out)

#!/usr/bin/env python3
"""Says whether a PNG screenshot shows something: exit 0 when at least MIN_SHARE of its
pixels differ from its most common colour (the page background) and their luminance
varies, 1 when it is blank. Standard library only (zlib and struct decode the PNG).

usage: png_check.py FILE.png
"""
import struct
import sys
import zlib
from collections import Counter

MIN_SHARE = 0.02


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, head = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or interlace != 0 or ctype not in (0, 2, 4, 6):
        raise SystemExit("%s: unsupported PNG (depth %d, type %d)" % (path, depth, ctype))
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw, stride, prev, rows, p = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                q = a + b - c
                pa, pb, pc = abs(q - a), abs(q - b), abs(q - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    colours = 3 if ctype in (2, 6) else 1
    pixels = [tuple(r[i:i + colours]) for r in rows for i in range(0, stride, bpp)]
    return w, h, pixels


def main():
    w, h, pixels = decode(sys.argv[1])
    counts = Counter(pixels)
    background, most = counts.most_common(1)[0]
    share = 1 - most / len(pixels)
    lum = [sum(p) / len(p) for p in pixels[:: max(1, len(pixels) // 200_000)]]
    mean = sum(lum) / len(lum)
    var = sum((x - mean) ** 2 for x in lum) / len(lum)
    print("%s: %dx%d, %.1f%% of pixels off the background %s, %d colours, luminance variance %.0f"
          % (sys.argv[1], w, h, 100 * share, background, len(counts), var))
    if share < MIN_SHARE or var < 1.0 or len(counts) < 16:
        print("%s: blank" % sys.argv[1])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

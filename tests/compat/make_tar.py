#!/usr/bin/env python3
"""Writes test backups with Python's tarfile: an independent tar writer.

  make_tar.py OUT MODE

MODE marathon: a GNU-format backup as Marathon writes one (long-name records,
unicode ids, assorted ISO-8601 timestamps, binary and empty data, a 1 MB
value, the storage version last). MODE duplicates: the same with an item and
a version written twice. MODE versions-before-item: an id's versions before
its value. MODE no-storage-version: marathon without the storage version;
MODE empty: a tar without entries. The other modes each hold one entry that a restore
must refuse.
"""
import io
import sys
import tarfile


def storage_version(major, minor, patch, fmt=1):
    def varint(n):
        out = b""
        while True:
            b = n & 0x7F
            n >>= 7
            if n:
                out += bytes([b | 0x80])
            else:
                return out + bytes([b])
    return (b"\x08" + varint(major) + b"\x10" + varint(minor) + b"\x18" + varint(patch)
            + b"\x20" + varint(fmt))


MARATHON = [
    ("apps/items/_prod_web", b"\x00\x01binary\xff\n"),
    ("apps/versions/_prod_web/2017-08-08T12:34:56.500Z", b"v1"),
    ("apps/versions/_prod_web/2017-08-08T12:34Z", b"v2"),
    ("apps/versions/_prod_web/2017-08-08T14:34:56.123456789+02:00", b"v3"),
    ("apps/items/_caf\u00e9_\u65e5\u672c", "unicode".encode()),
    ("apps/items/_" + "l" * 200, b"long id"),
    ("apps/versions/_" + "l" * 200 + "/2017-08-08T12:34:56.5Z", b"long version"),
    ("pods/versions/_only-versions/2018-01-01T00:00:00.001Z", b""),
    ("group/items/_big", bytes(range(256)) * 4000),
    ("framework-id/items/id", b"framework-1234"),
    ("internal:storage:version/items/internal:storage:version", storage_version(1, 10, 100)),
]

BAD = {
    "bad-name": [("apps/things/x", b"")],
    "bad-timestamp": [("apps/versions/x/yesterday", b"")],
    "dotdot-id": [("apps/items/..", b"")],
    "slash-id": [("apps/items/a/b", b"")],
    # ZooKeeper refuses code points outside the BMP in node names.
    "emoji-id": [("apps/items/_\U0001F600", b"")],
    "bad-storage-version": [("internal:storage:version/items/internal:storage:version", b"\xff\xff")],
    "absolute-path": [("/apps/items/_x", b"")],
    "dotdot-path": [("apps/items/../../../etc/passwd", b"")],
    # An escape sequence that would clear the terminal if printed raw.
    "control-char": [("apps/items/_a\x1b[2Jb", b"")],
    "long-name": [("apps/items/_" + "x" * 5000, b"")],
}


def write(out, entries, extra=None):
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 1500000000
            tar.addfile(info, io.BytesIO(data))
        if extra:
            extra(tar)


def main():
    out, mode = sys.argv[1], sys.argv[2]
    good = MARATHON[:3]
    if mode == "marathon":
        write(out, MARATHON)
    elif mode == "duplicates":
        # The same item and version twice: a restore keeps the last one.
        write(out, MARATHON[:-1] + [
            ("apps/items/_prod_web", b"second"),
            ("apps/versions/_prod_web/2017-08-08T12:34:56.5Z", b"second v1"),
            MARATHON[-1],
        ])
    elif mode == "versions-before-item":
        # Marathon's own order is not guaranteed: here an id's versions come
        # before its current value, and a version-only id sits beside it.
        write(out, [
            ("apps/versions/_prod_web/2017-08-08T12:34:56.5Z", b"v1"),
            ("apps/versions/_prod_web/2017-08-08T12:35:56.5Z", b"v2"),
            ("apps/items/_prod_web", b"current"),
            ("apps/versions/_only-versions/2018-01-01T00:00:00.001Z", b"old"),
            MARATHON[-1],
        ])
    elif mode == "no-storage-version":
        write(out, MARATHON[:-1])
    elif mode == "empty":
        write(out, [])
    elif mode in BAD:
        write(out, good + BAD[mode])
    elif mode == "directory":
        def add_dir(tar):
            info = tarfile.TarInfo("apps/items")
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        write(out, good, add_dir)
    elif mode == "symlink":
        def add_link(tar):
            info = tarfile.TarInfo("apps/items/link")
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)
        write(out, good, add_link)
    elif mode == "nul-byte":
        # PAX records carry their length, so a name can hold a NUL byte.
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo("apps/items/_x")
            info.pax_headers = {"path": "apps/items/_a\x00b"}
            tar.addfile(info, io.BytesIO(b""))
            name, data = MARATHON[-1]
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    elif mode in ("short-data", "huge-entry"):
        # A header announcing more data than the stream holds: 1000 bytes
        # with 10 present, or 10 GiB (GNU base-256 size) with 1 KiB present.
        with open(out, "wb") as f:
            for name, data in good + [("apps/items/_big", None)]:
                info = tarfile.TarInfo(name)
                if data is None:
                    info.size = 1000 if mode == "short-data" else 10 << 30
                    data = b"x" * (10 if mode == "short-data" else 1024)
                else:
                    info.size = len(data)
                f.write(info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape"))
                f.write(data + b"\0" * (-len(data) % 512))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()

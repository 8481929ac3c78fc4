#!/usr/bin/env python3
"""Checks a backup in Baton's format with Python's tarfile alone, as an
independent reader would: every entry's SHA-256 (PAX record
SCHILY.xattr.baton.sha256) matches its data, the manifest is the last entry,
and its counts and digest (SHA-256 over "<name>\\n<sha256>\\n" per entry)
match. Prints "ok <entries> <bytes>"; exits non-zero naming what is wrong."""
import hashlib
import json
import sys
import tarfile

chain = hashlib.sha256()
entries = 0
size = 0
manifest = None
with tarfile.open(sys.argv[1], "r:*") as tar:
    for info in tar:
        data = tar.extractfile(info).read()
        if manifest is not None:
            sys.exit("entry after the manifest: " + info.name)
        if info.name == ".baton/manifest.json":
            manifest = json.loads(data)
            continue
        recorded = info.pax_headers.get("SCHILY.xattr.baton.sha256")
        actual = hashlib.sha256(data).hexdigest()
        if recorded != actual:
            sys.exit("checksum mismatch on %s: %s != %s" % (info.name, recorded, actual))
        chain.update(("%s\n%s\n" % (info.name, actual)).encode())
        entries += 1
        size += len(data)
if manifest is None:
    sys.exit("no manifest")
if manifest["format"] != "baton" or manifest["entries"] != entries or manifest["bytes"] != size:
    sys.exit("manifest does not match: %r" % manifest)
if manifest["entries_sha256"] != chain.hexdigest():
    sys.exit("manifest digest does not match")
print("ok %d %d" % (entries, size))

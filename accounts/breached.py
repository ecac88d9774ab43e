"""The breached-password list shipped with the project, as a Bloom filter (NIST SP 800-63B 3.1.1.2).

`accounts/data/breached-passwords.bloom` holds the 474,743 distinct passwords of 8 characters or
more (lower-cased) among the one million most common in the "10 million password list" of the
OWASP SecLists project (CC BY-SA 3.0; attribution in accounts/data/NOTICE), 24 times as many as
Django's CommonPasswordValidator list. A Bloom filter keeps that in 1.7 MB instead of 5 MB of
text, answers in microseconds, and never misses a listed password; about one random password in
a million is refused although it is not listed (the person picks another). Shorter passwords are
refused by the length rule before this list matters.

Rebuild (or build from another list, one password per line) with
`manage.py build_breached_passwords LIST.txt`.
"""

import hashlib
import math
import struct
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "breached-passwords.bloom"
MAGIC = b"SHOPBLM1"
HEADER = struct.Struct(">8sQII")  # magic, bits, hashes, entries
MIN_LENGTH = 8
FALSE_POSITIVE_RATE = 1e-6


def _positions(password: str, bits: int, hashes: int):
    digest = hashlib.blake2b(password.lower().encode("utf-8"), digest_size=16,
                             person=b"shop-breached").digest()
    h1, h2 = struct.unpack(">QQ", digest)
    h2 |= 1  # odd, so the probe sequence covers the table
    for i in range(hashes):
        yield (h1 + i * h2) % bits


class BloomFilter:
    def __init__(self, data: bytes):
        magic, self.bits, self.hashes, self.entries = HEADER.unpack_from(data)
        if magic != MAGIC:
            raise ValueError("not a breached-password filter")
        self.table = memoryview(data)[HEADER.size:]

    def __contains__(self, password: str) -> bool:
        table = self.table
        return all(table[p >> 3] & (1 << (p & 7)) for p in _positions(password, self.bits, self.hashes))

    @classmethod
    def build(cls, passwords, *, rate=FALSE_POSITIVE_RATE) -> bytes:
        unique = {p.lower() for p in passwords if len(p) >= MIN_LENGTH}
        n = max(1, len(unique))
        bits = math.ceil(-n * math.log(rate) / math.log(2) ** 2)
        hashes = max(1, round(bits / n * math.log(2)))
        table = bytearray((bits + 7) // 8)
        for password in unique:
            for p in _positions(password, bits, hashes):
                table[p >> 3] |= 1 << (p & 7)
        return HEADER.pack(MAGIC, bits, hashes, len(unique)) + bytes(table)


@cache
def shipped_filter() -> BloomFilter:
    return BloomFilter(DATA_FILE.read_bytes())


def is_breached(password: str) -> bool:
    """Is `password` (any case) in the shipped list?"""
    return len(password) >= MIN_LENGTH and password.lower() in shipped_filter()

"""Build accounts/data/breached-passwords.bloom from a password list (one password per line)."""

from django.core.management.base import BaseCommand

from accounts.breached import DATA_FILE, BloomFilter


class Command(BaseCommand):
    help = "Build the shipped breached-password filter from a list, one password per line."

    def add_arguments(self, parser):
        parser.add_argument("source", help="text file, UTF-8, one password per line")
        parser.add_argument("--output", default=str(DATA_FILE))

    def handle(self, *args, source, output, **options):
        with open(source, encoding="utf-8", errors="ignore") as f:
            passwords = [line.rstrip("\r\n") for line in f if line.strip()]
        data = BloomFilter.build(passwords)
        with open(output, "wb") as f:
            f.write(data)
        built = BloomFilter(data)
        self.stdout.write(f"{built.entries} passwords, {built.bits} bits, {built.hashes} hashes, "
                          f"{len(data) / 1e6:.2f} MB → {output}")

"""A real IMAP server for the bounce mailbox test: Debian's dovecot, private config, a free port."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.fixtures.services import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/run
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def imap_server():
    """Yields (host, port, user, password); the mailbox is empty. Needs `apt-get install dovecot-imapd`."""
    if not os.path.exists(DOVECOT):
        if os.environ.get("CI"):
            pytest.fail("dovecot is not installed (apt-get install dovecot-imapd)")
        pytest.skip("needs Debian's dovecot: apt-get install dovecot-imapd")
    directory = Path(tempfile.mkdtemp(prefix="bounce-imap-"))
    (directory / "run").mkdir()
    (directory / "mail").mkdir()
    directory.chmod(0o755)
    # Mail is stored as an unprivileged user: dovecot refuses root for mail access.
    uid, gid = (65534, 65534) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    if os.geteuid() == 0:
        os.chown(directory / "mail", uid, gid)
    port = free_port()
    (directory / "passwd").write_text("bounce:{PLAIN}hemmelig-test\n")
    (directory / "dovecot.conf").write_text(CONFIG.format(d=directory, port=port, uid=uid, gid=gid))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(directory / "dovecot.conf")])  # noqa: S603
    try:
        import socket

        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("dovecot did not start: " + (directory / "dovecot.log").read_text()[-500:])
                time.sleep(0.1)
        yield "127.0.0.1", port, "bounce", "hemmelig-test"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(directory, ignore_errors=True)

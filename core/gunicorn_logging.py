"""gunicorn's logger for LOG_FORMAT=json (gunicorn.conf.py): one JSON object per access-log line.

gunicorn formats access lines from a %-template into one string; as JSON the fields (status,
duration, request id…) should be fields, so `access` passes them as the record's extras and
core.logging.JsonFormatter writes them out.
"""

from gunicorn import glogging


class JsonLogger(glogging.Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        self.access_log.info(
            "%s %s %s",
            atoms["m"],
            atoms["U"],
            atoms["s"],
            extra={
                "request_id": atoms["{x-request-id}o"],
                "method": atoms["m"],
                "path": atoms["U"],
                "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
                "bytes": atoms["B"],
                "duration_ms": atoms["M"],
                "remote_addr": atoms["h"],
                "user_agent": atoms["a"],
            },
        )

"""Staff tools: the move button, resend / re-activate per legacy account, history, dashboard.

One module per screen; importing the package registers them all (Django's admin autodiscovery).
"""

from . import customer, history, legacy_account  # noqa: F401  (registers the ModelAdmins)
from .dashboard import activation_chart, dashboard_data

__all__ = ["activation_chart", "dashboard_data"]

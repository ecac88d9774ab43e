"""Staff tools: the move button, resend / re-activate per legacy account, history, dashboard.

One module per screen; importing the package registers them all (Django's admin autodiscovery).
"""

from ..charts import activation_chart
from ..selectors import dashboard_data
from . import customer, history, legacy_account  # noqa: F401  (registers the ModelAdmins)

# The dashboard's figures live in migration.selectors; the names stay importable from here.
__all__ = ["activation_chart", "dashboard_data"]

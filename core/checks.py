"""Deployment checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def client_address_source_check(app_configs, **kwargs):
    """Behind a load balancer every client has the balancer's address unless we are told how
    many proxies append to X-Forwarded-For (or which header the proxy overwrites). Then all
    customers would share one rate-limit bucket: the first few failed logins lock everyone out.
    """
    if getattr(settings, "CLIENT_IP_SOURCE_CONFIGURED", True):
        return []
    return [Error(
        "Neither TRUSTED_PROXY_COUNT nor TRUSTED_CLIENT_IP_HEADER is set. Behind a load balancer "
        "every client would then share the balancer's address and one rate-limit bucket.",
        hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the shop that append "
             "to X-Forwarded-For (1 for one load balancer), or TRUSTED_CLIENT_IP_HEADER to a header "
             "the proxy overwrites (e.g. X-Real-IP). Set TRUSTED_PROXY_COUNT=0 only when clients "
             "connect to the shop directly. See docs/RELIABILITY.md.",
        id="core.E001",
    )]

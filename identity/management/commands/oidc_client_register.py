"""Register an OpenID Connect client from the command line (the same as admin's «Add client»).

    manage.py oidc_client_register --name Backoffice --type confidential \\
        --redirect-uri https://backoffice.example.no/oidc/callback/ \\
        --post-logout-redirect-uri https://backoffice.example.no/ [--client-id backoffice] \\
        [--scopes openid email profile customers] [--skip-consent]

Prints the client id and, for a confidential client, the secret: shown this once, only its hash
is kept. Refuses an id that exists (use admin's «Lag ny klienthemmelighet» to replace a secret).
"""

from allauth.idp.oidc.models import Client
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from identity.services import DEFAULT_CLIENT_SCOPES, oidc_client_register


class Command(BaseCommand):
    help = "Register an OpenID Connect client; prints its id and (confidential) secret once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="shown on the consent page")
        parser.add_argument("--type", required=True, choices=[t.value for t in Client.Type])
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris",
                            help="exact redirect URI; repeat for several")
        parser.add_argument("--post-logout-redirect-uri", action="append", default=[],
                            dest="post_logout_redirect_uris")
        parser.add_argument("--client-id", default=None, help="default: generated")
        parser.add_argument("--scopes", nargs="+", default=list(DEFAULT_CLIENT_SCOPES))
        parser.add_argument("--skip-consent", action="store_true",
                            help="only for our own first-party systems")

    def handle(self, *args, **options):
        try:
            client, secret = oidc_client_register(
                name=options["name"],
                client_type=options["type"],
                redirect_uris=options["redirect_uris"],
                post_logout_redirect_uris=options["post_logout_redirect_uris"],
                client_id=options["client_id"],
                scopes=options["scopes"],
                skip_consent=options["skip_consent"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"client_id: {client.id}")
        if secret:
            self.stdout.write(f"client_secret: {secret}")
            self.stdout.write("The secret is shown only now; the shop keeps only its hash.")

"""Make a staff user and email them a link to set their password.

    manage.py create_staff ola.nordmann@grossist.no --name "Ola Nordmann" --branch OSL
    manage.py create_staff kari@grossist.no --name "Kari Nordmann" --branch OSL --central

A branch employee joins «Avdelingsansatt» and sees only their branch in admin; with --central the
user joins «Netthandel» (all branches). No password is given on the command line: the emailed link
sets it, and the first login sets up the second factor. Superusers (IT) come from createsuperuser.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.roles import BRANCH_STAFF, CENTRAL_STAFF
from accounts.staff import StaffError, staff_create


class Command(BaseCommand):
    help = "Make a staff user (branch employee, or --central for Netthandel) and email a set-password link."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="the person's full name")
        parser.add_argument("--branch", required=True, help="branch code (avdeling), e.g. OSL")
        parser.add_argument(
            "--central", action="store_true", help=f"central e-commerce team («{CENTRAL_STAFF}»): all branches"
        )

    def handle(self, email, name, branch, central, **options):
        try:
            user = staff_create(email=email, name=name, branch_code=branch, central=central)
        except StaffError as exc:
            raise CommandError(str(exc))
        role = CENTRAL_STAFF if central else BRANCH_STAFF
        self.stdout.write(
            f"Created {user.email} ({role}, branch {user.branch.code}); a set-password link is emailed."
        )

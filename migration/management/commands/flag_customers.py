"""Press the move button for a wave of customers, same rules as the admin action.

manage.py flag_customers --branch OSL --deadline 2026-12-14
manage.py flag_customers 10001 10002 --days 21
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Customer
from migration.services import MoveError, customer_flag_for_move, deadline_bounds


class Command(BaseCommand):
    help = "Flytt kundenumre til ny nettbutikk (flytteknappen for en bølge)."

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="*", help="Kundenumre")
        parser.add_argument("--branch", action="append", default=[], help="Avdelingskode (kan gjentas)")
        parser.add_argument("--deadline", help="Frist (ÅÅÅÅ-MM-DD)")
        parser.add_argument("--days", type=int, help="Frist om så mange dager (14–28)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, numbers, branch, deadline, days, dry_run, **options):
        if not numbers and not branch:
            raise CommandError("Oppgi kundenumre eller --branch.")
        _min, default, _max = deadline_bounds()
        if deadline:
            try:
                when = date.fromisoformat(deadline)
            except ValueError:
                raise CommandError("--deadline må være på formen ÅÅÅÅ-MM-DD.")
        elif days is not None:
            when = timezone.localdate() + timedelta(days=days)
        else:
            when = default
        customers = Customer.objects.select_related("branch")
        if numbers:
            found = set(customers.filter(number__in=numbers).values_list("number", flat=True))
            for missing in sorted(set(numbers) - found):
                self.stderr.write(f"Ukjent kundenummer {missing}")
            customers = customers.filter(number__in=numbers)
        if branch:
            customers = customers.filter(branch__code__in=[b.upper() for b in branch])
        flagged = 0
        for customer in customers.order_by("number"):
            if dry_run:
                self.stdout.write(f"{customer.number} {customer.name}: ville blitt flyttet, frist {when}")
                continue
            try:
                result = customer_flag_for_move(customer=customer, deadline=when)
            except MoveError as exc:
                raise CommandError(exc.message)
            if result.newly_flagged:
                flagged += 1
                self.stdout.write(
                    f"{customer.number} {customer.name}: {len(result.invited)} invitert, "
                    f"{len(result.without_email)} uten e-post"
                )
            else:
                self.stdout.write(
                    f"{customer.number} {customer.name}: allerede flyttet (frist {result.deadline})"
                )
            for account in result.without_email:
                self.stdout.write(f"  uten e-post: {account.username} ({account.name})")
        self.stdout.write(self.style.SUCCESS(f"{flagged} kunder flyttet."))

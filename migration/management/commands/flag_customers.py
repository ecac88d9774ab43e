"""Press the move button for a wave of customers: the admin action's service and rules.

manage.py flag_customers --branch OSL --deadline 2026-12-14
manage.py flag_customers 10001 10002 --days 21

The work is queued in Celery (one task per MIGRATION_FLAG_CHUNK customers) and the command returns;
without a broker it runs inline. Progress: «Flytting: oversikt» in the admin.
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Customer
from migration.models import LegacyAccount
from migration.services import MoveError, customers_flag_wave, deadline_bounds


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
        if dry_run:
            for customer in customers.order_by("number"):
                self.stdout.write(f"{customer.number} {customer.name}: ville blitt flyttet, frist {when}")
            return
        try:
            plan = customers_flag_wave(customers=customers, deadline=when)
        except MoveError as exc:
            raise CommandError(exc.message)
        for customer in customers.exclude(pk__in=plan.to_flag).select_related("move").order_by("number"):
            self.stdout.write(f"{customer.number} {customer.name}: allerede flyttet (frist {customer.move.deadline})")
        missing = (
            LegacyAccount.objects.without_email()
            .filter(customer__in=plan.to_flag)
            .order_by("customer__number", "username")
            .values_list("customer__number", "username", "name")
        )
        for number, username, name in missing.iterator():
            self.stdout.write(f"  uten e-post: {username} ({name}), kunde {number}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(plan.to_flag)} kunder flyttes, {plan.invitations} invitasjoner sendes "
                f"({plan.tasks} oppgaver i køen; følg med i «Flytting: oversikt»)."
            )
        )

"""Demo data for `manage.py seed_demo`: the help content itself comes from migration 0002, so
`migrate` loads it; here only a few contact requests so staff see the admin list filled in."""

from accounts.models import Customer

from .models import SupportRequest


def seed():
    if SupportRequest.objects.exists():
        return []
    customer = Customer.objects.select_related("branch").order_by("number").first()
    examples = [
        (
            "Ola Elektriker",
            "ola@nordlys.example",
            SupportRequest.Topic.MOVE,
            "Vi vil gjerne flytte til den nye nettbutikken. Når kan vi det?",
            SupportRequest.Status.NEW,
        ),
        (
            "Kari Innkjøper",
            "kari@nordlys.example",
            SupportRequest.Topic.LOGIN,
            "Jeg fikk aldri aktiveringse-posten. Kan dere sende den på nytt?",
            SupportRequest.Status.IN_PROGRESS,
        ),
        (
            "Per Prosjekt",
            "per@fjellstrom.example",
            SupportRequest.Topic.ORDER,
            "Kan vi få levert ordren på fredag i stedet for torsdag?",
            SupportRequest.Status.SOLVED,
        ),
    ]
    for name, email, topic, message, status in examples:
        SupportRequest.objects.create(
            name=name,
            email=email,
            topic=topic,
            message=message,
            status=status,
            customer=customer,
            customer_number=customer.number if customer else "",
            branch=customer.branch if customer else None,
        )
    return []

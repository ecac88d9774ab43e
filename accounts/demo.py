"""Demo branches, customers and users for `manage.py seed_demo` (idempotent)."""

from .models import Branch, Customer, Membership, Role, User

DEMO_PASSWORD = "Elektro-demo-2026"

BRANCHES = [
    ("OSL", "Oslo", "oslo@elektrogrossisten.example", "22 00 00 01", "Industriveien 1", "0581", "Oslo"),
    (
        "BRG",
        "Bergen",
        "bergen@elektrogrossisten.example",
        "55 00 00 02",
        "Kokstadveien 12",
        "5257",
        "Kokstad",
    ),
    (
        "TRD",
        "Trondheim",
        "trondheim@elektrogrossisten.example",
        "73 00 00 03",
        "Tungasletta 8",
        "7047",
        "Trondheim",
    ),
]

CUSTOMERS = [
    ("10001", "Nordlys Elektro AS", "OSL", "912345670"),
    ("10002", "Nordlys Elektro Service AS", "OSL", "912345689"),
    ("10003", "Fjellstrøm Installasjon AS", "OSL", "923456781"),
    ("10004", "Bryggen Elektriske AS", "BRG", "934567892"),
    ("10005", "Vestkyst Energi og Elektro AS", "BRG", "945678903"),
    ("10006", "Åsane Elservice AS", "BRG", "956789014"),
    ("10007", "Nidaros Elektro AS", "TRD", "967890125"),
    ("10008", "Trøndelag Automasjon AS", "TRD", "978901236"),
    ("10009", "Gløshaugen Lys og Kraft AS", "TRD", "989012347"),
    ("10010", "Kvadraturen Elektro AS", "OSL", "990123458"),
    ("10011", "Sørlandet Elinstallasjon AS", "OSL", "901234569"),
    ("10012", "Hordaland Solenergi AS", "BRG", "913579246"),
]

# Staff besides IT (the superuser above): one branch employee per branch and one central user.
# (email, name, branch code, group). Every staff login sets up a second factor the first time.
STAFF = [
    ("oslo.ansatt@elektrogrossisten.example", "Ola Oslo", "OSL", "Avdelingsansatt"),
    ("bergen.ansatt@elektrogrossisten.example", "Berit Bergen", "BRG", "Avdelingsansatt"),
    ("trondheim.ansatt@elektrogrossisten.example", "Trond Trondheim", "TRD", "Avdelingsansatt"),
    ("netthandel@elektrogrossisten.example", "Nina Netthandel", "OSL", "Netthandel"),
]

# (email, name, [(customer number, role)], is_staff, branch code)
USERS = [
    ("ansatt@elektrogrossisten.example", "Siri Ansatt", [], True, "OSL"),
    (
        "kari@nordlys.example",
        "Kari Nordmann",
        [("10001", Role.ADMINISTRATOR), ("10002", Role.ADMINISTRATOR)],
        False,
        None,
    ),
    ("ola@nordlys.example", "Ola Nordmann", [("10001", Role.BUYER)], False, None),
    ("lars@nordlys.example", "Lars Lesevik", [("10001", Role.READ_ONLY)], False, None),
    ("ingrid@bryggen.example", "Ingrid Bryggen", [("10004", Role.ADMINISTRATOR)], False, None),
]


def seed(stdout=None):
    branches = {}
    for code, name, email, phone, street, postal_code, city in BRANCHES:
        branches[code], _ = Branch.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "email": email,
                "phone": phone,
                "street": street,
                "postal_code": postal_code,
                "city": city,
            },
        )
    customers = {}
    for number, name, branch, org in CUSTOMERS:
        customers[number], _ = Customer.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "branch": branches[branch],
                "org_number": org,
                "email": f"post{number}@kunde.example",
            },
        )
    logins = []
    for email, name, memberships, is_staff, branch in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                name=name,
                is_staff=is_staff,
                is_superuser=is_staff,
                branch=branches.get(branch),
            )
        for number, role in memberships:
            Membership.objects.update_or_create(
                user=user, customer=customers[number], defaults={"role": role, "is_active": True}
            )
        roles = ", ".join(f"{n} {r.label}" for n, r in memberships) or "IT, superbruker (admin)"
        logins.append((email, roles))
    from django.contrib.auth.models import Group

    for email, name, branch, group in STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name, is_staff=True, branch=branches[branch])
        user.groups.set([Group.objects.get(name=group)])
        logins.append((email, f"{group} {branch} (admin, to-trinns ved første innlogging)"))
    # «Brukere» shows every status: an invited colleague (no password yet) and a deactivated one.
    kari = User.objects.get(email="kari@nordlys.example")
    invited = User.objects.filter(email="nina@nordlys.example").first()
    if invited is None:
        invited = User(email="nina@nordlys.example", name="Nina Nyansatt")
        invited.set_unusable_password()
        invited.save()
    Membership.objects.get_or_create(
        user=invited, customer=customers["10001"], defaults={"role": Role.BUYER, "invited_by": kari}
    )
    former = User.objects.filter(email="per@nordlys.example").first()
    if former is None:
        former = User.objects.create_user("per@nordlys.example", DEMO_PASSWORD, name="Per Sluttet")
    Membership.objects.update_or_create(
        user=former, customer=customers["10001"], defaults={"role": Role.BUYER, "is_active": False}
    )
    return [(email, DEMO_PASSWORD, roles) for email, roles in logins]

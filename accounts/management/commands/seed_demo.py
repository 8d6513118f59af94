from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo
from events import demo as events_demo
from messaging import demo as messaging_demo
from payments import demo as payments_demo
from profiles import demo as profiles_demo


class Command(BaseCommand):
    help = "Build Momento's demo world. Idempotent: a second run changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        world = demo.seed()
        profiles_demo.seed(world)
        events_demo.seed(world)
        messaging_demo.seed(world)
        payments_demo.seed(world)
        demo.seed_referrals(world)
        demo.settle_notifications(world)
        if options["verbosity"] < 1:
            return
        self.stdout.write(f"Demo world ready: {len(world.created)} new objects.")
        for role, email in {**demo.LOGINS, **payments_demo.logins()}.items():
            self.stdout.write(f"  {role:<12} {email}  password: {demo.DEMO_PASSWORD}")

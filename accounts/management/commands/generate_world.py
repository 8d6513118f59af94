import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from momento import world


class Command(BaseCommand):
    help = (
        "Fill an empty database with a large, consistent world for benchmarks (momento/world.py): "
        "scale 1 is about 2,000 members, 200 events and 20,000 invitations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 ≈ 2,000 members")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same world")
        parser.add_argument("--summary", type=Path, help="also write the summary as JSON here")
        parser.add_argument(
            "--flush", action="store_true", help="empty the database first (manage.py flush)"
        )

    def handle(self, *args, scale, seed, summary, flush, **options):
        try:
            world.check_scale(scale)  # before anything is flushed
            if flush:
                call_command("flush", interactive=False, verbosity=0)
            result = world.generate(scale=scale, seed=seed)
        except world.WorldError as error:
            raise CommandError(error.message) from error
        if summary:
            summary.write_text(json.dumps(result, indent=2) + "\n")
        if options["verbosity"] < 1:
            return
        self.stdout.write(f"World of scale {scale:g} (seed {seed}) in {result['seconds']} s:")
        for table, count in result["counts"].items():
            self.stdout.write(f"  {table:<36} {count:>10,}")
        self.stdout.write(f"Every member's password: {result['password']}")
        for name, value in result["targets"].items():
            if name != "member_usernames_sample":
                self.stdout.write(f"  {name:<24} {value}")
        sample = result["targets"]["member_usernames_sample"]
        self.stdout.write(f"  member_usernames_sample  {', '.join(sample[:5])}, … ({len(sample)})")

"""Print a new VAPID key pair for Web Push, as the environment variables the settings read."""

from django.core.management.base import BaseCommand

from core.push import generate_vapid_keys


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair (WEBPUSH_VAPID_PRIVATE_KEY, WEBPUSH_VAPID_PUBLIC_KEY). "
        "Keep the private key secret; changing the pair makes every browser subscribe again."
    )

    def handle(self, *args, **options):
        private, public = generate_vapid_keys()
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"WEBPUSH_VAPID_PUBLIC_KEY={public}")

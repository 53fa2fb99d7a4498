"""`python manage.py load_demo`: the demo catalog, a demo coordinator and one demo user per
kind of organisation, then matching of the demo data (what `make run` shows on first start).

Idempotent: the catalog is upserted by key and existing users are left as they are (their
passwords are only set when they are created). The credentials are printed at the end.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from matching.models import Proposal
from matching.models.results import ProposalStatus
from matching.services.proposals import proposal_approve
from matching.services.refresh import match_all
from profiles.choices import MemberRole
from profiles.models import Membership, Organization
from profiles.services.imports import catalog_import, catalog_load

DEMO_CATALOG = Path(settings.BASE_DIR) / "profiles" / "demo" / "demo_catalog.json"
DEMO_PASSWORD = "sangaku-demo-2026"
# (username, organisation key or None for the coordinator, what the account is for)
DEMO_USERS = [
    ("demo-admin", None, "coordinator / platform admin (Django admin too)"),
    ("demo-univ", "demo-u-tohoku", "university IP office (東北大学)"),
    ("demo-company", "demo-c-asahi", "company R&D (あさひ精機株式会社)"),
    ("demo-investor", "demo-i-kitakaze", "investor (北風ベンチャーパートナーズ)"),
]


class Command(BaseCommand):
    help = "Load the demo catalog, create demo users (printed) and run matching on the demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-match", action="store_true", help="Skip matching (match_all --sync)."
        )

    def handle(self, *args, no_match: bool = False, **options):
        report = catalog_import(data=catalog_load(DEMO_CATALOG))
        if report.errors:
            for section, key, reason in report.errors:
                self.stderr.write(f"invalid {section} {key}: {reason}")
            raise CommandError("the demo catalog has invalid records; nothing loaded")
        created = sum(report.created.values())
        updated = sum(report.updated.values())
        self.stdout.write(
            f"demo catalog: {report.loaded()} records ({created} created, {updated} updated)"
        )
        users = self._users()
        # Readiness profiles first: the matcher uses readiness as an organisation-level signal.
        call_command("load_readiness_demo", stdout=self.stdout)
        if not no_match:
            self._match()
            self._review_demo_proposals()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at http://127.0.0.1:8000/):"))
        for username, purpose, fresh in users:
            note = "" if fresh else "  (existing account: password unchanged)"
            self.stdout.write(f"  {username:<14} / {DEMO_PASSWORD}   {purpose}{note}")

    @transaction.atomic
    def _users(self) -> list[tuple[str, str, bool]]:
        User = get_user_model()
        out = []
        for username, org_key, purpose in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            fresh = user is None
            if fresh:
                user = User(username=username, email=f"{username}@demo.sangaku.example")
                user.set_password(DEMO_PASSWORD)
                if org_key is None:
                    user.is_staff = True
                    user.is_superuser = True
                user.save()
            if org_key is not None and not Membership.objects.filter(user=user).exists():
                org = Organization.objects.get(key=org_key)
                Membership.objects.create(user=user, organization=org, role=MemberRole.MANAGER)
            out.append((username, purpose, fresh))
        return out

    def _review_demo_proposals(self) -> None:
        """The demo coordinator approves the best proposal of each of the demo company's needs,
        so the company and the universities have something to respond to; the rest wait in
        the coordinator's review queue."""

        admin = get_user_model().objects.get(username="demo-admin")
        approved = 0
        seen_needs = set(
            Proposal.objects.exclude(status=ProposalStatus.PROPOSED)
            .filter(need__organization__key="demo-c-asahi")
            .values_list("need_id", flat=True)
        )
        pending = Proposal.objects.filter(
            status=ProposalStatus.PROPOSED, need__organization__key="demo-c-asahi"
        ).order_by("need_id", "-score")
        for proposal in pending:
            if proposal.need_id in seen_needs:
                continue
            seen_needs.add(proposal.need_id)
            proposal_approve(proposal=proposal, by=admin, note="demo")
            approved += 1
        self.stdout.write(f"demo coordinator approved {approved} proposals")

    def _match(self) -> None:

        started = time.perf_counter()
        self.stdout.write("matching the demo data (match_all --sync)…")
        run = match_all(sync=True)
        elapsed = time.perf_counter() - started
        status = getattr(run, "status", "done")
        self.stdout.write(f"matching {status} in {elapsed:.1f} s")

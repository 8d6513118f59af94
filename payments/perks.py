"""What premium gives, in the product's words. The pricing page lists these; each `where` is the
page that honours it. Premium never buys a seat or a place in a queue: seats, waitlists and offers
are first come, first served, and curation ranks reliability before anything premium gives."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Perk:
    title: str
    text: str


PERKS = (
    Perk(
        "See who liked you",
        "The people who liked your profile, newest first, on your likes page.",
    ),
    Perk(
        "Support small gatherings",
        "Your plan keeps booking fees low for everyone and pays for the curation of small groups.",
    ),
)

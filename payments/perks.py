"""What premium gives, in the product's words; the pricing page lists these.

Premium never buys a seat or a place in a queue: seats, waitlists and offers are first come,
first served, and curation ranks reliability before anything premium gives."""

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
)

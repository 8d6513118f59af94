"""Reliability, the formula (README, "After the event"): `UserInternalMetrics.absentee_rating`.

    absentee_rating = (came + PRIOR_CAME)
                      / (came + no_shows + LATE_CANCELLATION_WEIGHT * late_cancellations
                         + PRIOR_CAME + PRIOR_MISSED)

- `came`: counted attendance rows where the person attended or was late (a late arrival still
  came), or a disputed no-show that staff overturned;
- `no_shows`: host-reported no-shows that stand (events.models.AttendanceQuerySet: not
  contradicted within the dispute window, or upheld by staff); disputed or still-open ones
  count neither way yet;
- `late_cancellations`: seats given back after the refund cut-off, which weigh half a no-show:
  the host was told and the seat could go to the waitlist.

The prior (a Beta(9.5, 0.5) in Bayesian terms) is worth ten events at 95 %: a newcomer starts at
0.95, one no-show among few events does not sink them (1 of 1: 0.86), and a pattern does
(3 of 6: 0.78). 1.0 would be someone who always came, which no finite record reaches.
Staff-only, like every internal metric: shown in the console and nowhere else.
"""

PRIOR_CAME = 9.5
PRIOR_MISSED = 0.5
LATE_CANCELLATION_WEIGHT = 0.5
PRIOR_RATING = PRIOR_CAME / (PRIOR_CAME + PRIOR_MISSED)  # someone with no record yet


def absentee_rating(*, came: int, no_shows: int, late_cancellations: int) -> float:
    missed = no_shows + LATE_CANCELLATION_WEIGHT * late_cancellations
    return (came + PRIOR_CAME) / (came + missed + PRIOR_CAME + PRIOR_MISSED)

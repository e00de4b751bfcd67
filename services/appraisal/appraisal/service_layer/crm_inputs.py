"""crm's visits, follow-ups and complaints as facts (A2's process indicators; issue 10 item 2).

- Visits (拜访次数): one fact per ``visit_id``, in the month of the visit.
- Follow-ups done on time: one fact per ``follow_up_id``, in the month it was done, valued 1 when
  crm says it was on time and 0 when late: the sum counts those on time, the count all of them, and
  the share rule (templates.Rule.SHARE) gives the on-time rate.
- Complaint-handling timeliness (客户投诉处理及时率): the share of the complaints closed in the month
  that were handled on time, per responsible rep (the complaint's ``rep_id``, the holder of the
  customer's lead). On time means crm's ``on_time`` (answered before the escalation time, C9) and,
  when the company sets a limit (APPRAISAL_COMPLAINT_ON_TIME_MAX_HOURS), ``hours_to_resolve`` within
  it. One fact per complaint and month of closing: a complaint reopened and closed again in the same
  month replaces its earlier closing (revision = crm's ``reopened`` count), one closed again in a
  later month is handled again there. A complaint without a responsible rep is nobody's fact.

Each fact is keyed by the business id, so a redelivered or re-published event adds nothing.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from appraisal.domain.facts import Fact
from appraisal.domain.periods import Period
from appraisal.domain.templates import Source
from shared.clock import Clock
from shared.events.crm import ComplaintClosed, FollowUpDone, VisitLogged

ONE = Decimal(1)
ZERO = Decimal(0)


def from_visit_logged(visit: VisitLogged, event_id: uuid.UUID) -> list[Fact]:
    return [Fact(visit.rep_id, str(Period.of_day(visit.visited_on)), Source.VISITS, ONE, f"visit:{visit.visit_id}",
                 event_id, visit.visited_on)]


def from_follow_up_done(done: FollowUpDone, event_id: uuid.UUID) -> list[Fact]:
    return [Fact(done.rep_id, str(Period.of_day(done.done_on)), Source.FOLLOW_UPS_ON_TIME,
                 ONE if done.on_time else ZERO, f"followup:{done.follow_up_id}", event_id, done.done_on)]


def complaint_on_time(closed: ComplaintClosed, max_hours: Decimal | None) -> bool:
    return closed.on_time and (max_hours is None or closed.hours_to_resolve <= max_hours)


def from_complaint_closed(closed: ComplaintClosed, event_id: uuid.UUID, clock: Clock,
                          max_hours: Decimal | None) -> list[Fact]:
    if closed.rep_id is None:
        return []
    # The company's calendar: a complaint closed at 00:30 Beijing time on the 1st is the new month's.
    day = clock.date_of(closed.closed_at)
    period = Period.of_day(day)
    return [Fact(closed.rep_id, str(period), Source.COMPLAINTS_ON_TIME,
                 ONE if complaint_on_time(closed, max_hours) else ZERO,
                 f"complaint:{closed.complaint_id}:{period}", event_id, day, revision=closed.reopened)]

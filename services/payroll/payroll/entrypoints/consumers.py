"""Kafka event type → handler, per consumer group. Other types on these topics are skipped by the runner."""

from __future__ import annotations

from payroll.service_layer import handlers
from shared.consumer import ConsumerSpec
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS
from shared.events.appraisal import AppraisalResultFinalized, PeriodClosed
from shared.events.crm import PaymentReceived

CONSUMERS = [
    ConsumerSpec(
        name="payroll-inputs",
        topics=sorted({PeriodClosed.topic, AppraisalResultFinalized.topic, PaymentReceived.topic}),
        handlers={
            PeriodClosed.event_type: handlers.on_period_closed,
            AppraisalResultFinalized.event_type: handlers.on_result_finalized,
            PaymentReceived.event_type: handlers.on_payment_received,
        },
    ),
    ConsumerSpec(
        name="payroll-directory",
        topics=DIRECTORY_TOPICS,
        # After each directory change, a period waiting for an employee's role may be computed.
        handlers={event_type: handlers.then_compute_waiting_runs(apply)
                  for event_type, apply in DIRECTORY_HANDLERS.items()},
    ),
]

"""The crm unit of work: one transaction over every crm repository, the directory replica and
the outbox; and the bus every crm use case runs on."""

from __future__ import annotations

from crm.adapters.distribution import DistributionRepository
from crm.adapters.do_not_call import DoNotCallRepository
from crm.adapters.merges import AuditRepository, MergeRepository
from crm.adapters.pipeline import AfterSalesRepository, ProjectRepository, VisitRepository
from crm.adapters.repositories import (
    AssignmentRepository,
    ComplaintRepository,
    CreditRepository,
    CustomerRepository,
    DealRepository,
    DirectoryRepository,
    DisclosureRepository,
    FollowUpRepository,
    LeadRepository,
    MoveRepository,
    RotationRepository,
)
from crm.domain.policy import CrmPolicy
from shared.bus import Bus
from shared.db import UnitOfWork


class CrmUnitOfWork(UnitOfWork):
    customers: CustomerRepository
    leads: LeadRepository
    assignments: AssignmentRepository
    rotation: RotationRepository
    deals: DealRepository
    moves: MoveRepository
    follow_ups: FollowUpRepository
    complaints: ComplaintRepository
    credit: CreditRepository
    disclosures: DisclosureRepository
    directory: DirectoryRepository
    distribution: DistributionRepository
    merges: MergeRepository
    audit: AuditRepository
    projects: ProjectRepository
    visits: VisitRepository
    after_sales: AfterSalesRepository
    do_not_call: DoNotCallRepository

    def _open(self) -> None:
        self.customers = CustomerRepository(self.session)
        self.leads = LeadRepository(self.session)
        self.assignments = AssignmentRepository(self.session)
        self.rotation = RotationRepository(self.session)
        self.deals = DealRepository(self.session)
        self.moves = MoveRepository(self.session)
        self.follow_ups = FollowUpRepository(self.session)
        self.complaints = ComplaintRepository(self.session)
        self.credit = CreditRepository(self.session)
        self.disclosures = DisclosureRepository(self.session)
        self.directory = DirectoryRepository(self.session)
        self.distribution = DistributionRepository(self.session)
        self.merges = MergeRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.projects = ProjectRepository(self.session)
        self.visits = VisitRepository(self.session)
        self.after_sales = AfterSalesRepository(self.session)
        self.do_not_call = DoNotCallRepository(self.session)


CrmBus = Bus[CrmUnitOfWork, CrmPolicy]

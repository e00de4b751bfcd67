"""Ready-made templates HR installs, one for every appraised role (issue 10 item 1): the regional
offices' 70/30 appraisal (A4), the telesales agent's KPI set (seed 003), the group leader, the
supervisor and the department/regional manager — as data.

A preset is not scored: installing one writes a normal template (validated, editable through
``PUT /templates/{key}``) for the roles HR names. Every weight and parameter is in the data below,
so the rules stay the templates' and a company's own variant is an edit, not a code change.

A4 (seed 002): monthly score = daily-work score × 70 % + attendance × 30 %; attendance = 100 − 4
per absence day, a half day counting as a whole one (AppraisalPolicy.half_day_counts_as_full).
Each daily-work item is a rated indicator whose weight is its share of the 70: an item worth 30
of the 100 daily-work points weighs 30 % × 70 = 21.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from appraisal.domain.templates import Indicator, Rule, Source, Template


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    description: str
    # Whom the preset was written for; HR still names the roles when installing it.
    suggested_roles: tuple[str, ...]
    indicators: tuple[Indicator, ...]

    def template(self, key: str, name: str | None, roles: tuple[str, ...]) -> Template:
        return Template(key=key, name=name or self.name, roles=roles, indicators=self.indicators)


def _rated(key: str, label: str, weight: str) -> Indicator:
    return Indicator(key=key, source=Source.REVIEW, weight=Decimal(weight), rule=Rule.RATING, label=label)


def _to_target(key: str, label: str, source: str, weight: str, target: str) -> Indicator:
    return Indicator(key=key, source=source, weight=Decimal(weight), rule=Rule.LINEAR_TO_TARGET, label=label,
                     params={"target": Decimal(target), "cap": Decimal(100)})


def _share(key: str, label: str, source: str, weight: str) -> Indicator:
    # A month without any (no complaint to handle) is no lapse: full marks (the rule's default).
    return Indicator(key=key, source=source, weight=Decimal(weight), rule=Rule.SHARE, label=label)


def _attendance(weight: str) -> Indicator:
    return Indicator(key="attendance", label="出勤 Attendance: 100 − 4 per absence day", source=Source.ABSENCE_DAYS,
                     weight=Decimal(weight), rule=Rule.DEDUCTION_PER_UNIT,
                     params={"per_unit": Decimal(4), "base": Decimal(100)})


A4_ATTENDANCE = Indicator(
    key="attendance", label="出勤 Attendance: 100 − 4 per absence day, a half day counts as a full day",
    source=Source.ABSENCE_DAYS, weight=Decimal(30), rule=Rule.DEDUCTION_PER_UNIT,
    params={"per_unit": Decimal(4), "base": Decimal(100)},
)

PRESETS: Mapping[str, Preset] = {preset.key: preset for preset in (
    Preset(
        key="a4_regional_sales",
        name="区域销售员月度考核 Regional-office sales staff (A4, 70/30)",
        description="Daily work × 70 % (dealer management 30, weekly report 40, other management items 30 of "
                    "100) + attendance × 30 %.",
        suggested_roles=("sales_rep",),
        indicators=(
            _rated("dealer_management", "经销商管理 Dealer management (30 % of daily work; −5 per lapse)", "21"),
            _rated("weekly_report", "周报 Weekly report (40 % of daily work; late, illegible or untrue: 0)", "28"),
            _rated("other_management", "其他管理事项 Other management items (30 % of daily work)", "21"),
            A4_ATTENDANCE,
        ),
    ),
    Preset(
        key="a4_regional_manager",
        name="区域经理月度考核 Regional manager (A4, 70/30)",
        description="Daily work × 70 % (monthly report 60, reviewing weekly reports 10, monthly training 10, "
                    "report by the 30th 10, responsibility for reps' deductions 10 of 100) + attendance × 30 %.",
        suggested_roles=("regional_manager",),
        indicators=(
            _rated("monthly_report", "月报 Monthly report: summary, plan, local sales proposal (60 % of daily work)",
                   "42"),
            _rated("weekly_report_review", "审阅周报 Reviewing the reps' weekly reports (10 % of daily work)", "7"),
            _rated("monthly_training", "每月培训 Monthly training of the reps (10 % of daily work)", "7"),
            _rated("report_on_time", "月报30日前上报 Monthly report in by the 30th (10 % of daily work)", "7"),
            _rated("rep_deductions", "业务员扣分连带责任 Responsibility for the reps' deductions (10 % of daily work)",
                   "7"),
            A4_ATTENDANCE,
        ),
    ),
    # A4 with A8's plan execution measured (issue 10 item 8): the weekly-report item ("late,
    # illegible or untrue: 0") is fed by the plan-execution score — on-time logs, plans and reports,
    # approvals and spot checks — instead of a rating; 100 points at a score of 100.
    Preset(
        key="regional_sales_plan_execution",
        name="区域销售员月度考核（计划执行） Regional-office sales staff, plan execution measured (A4 + A8)",
        description="A4's 70/30 with the weekly-report part of daily work (40 of 100) measured by the month's "
                    "plan-execution score instead of rated.",
        suggested_roles=("sales_rep",),
        indicators=(
            _rated("dealer_management", "经销商管理 Dealer management (30 % of daily work; −5 per lapse)", "21"),
            _to_target("plan_execution", "计划执行 Plan execution: logs, plans, reports on time, approved, verified "
                       "(40 % of daily work)", Source.PLAN_EXECUTION, "28", "100"),
            _rated("other_management", "其他管理事项 Other management items (30 % of daily work)", "21"),
            A4_ATTENDANCE,
        ),
    ),
    # Targets are monthly and a starting point: HR sets the company's own when installing.
    Preset(
        key="telesales_agent",
        name="电销专员月度考核 Telesales agent (seed 003 KPIs)",
        description="Seed 003's daily figures: calls dialled, effective conversations, intent customers, orders "
                    "(deals won), new customers and follow-ups done on time, plus rated service and ability, and "
                    "attendance.",
        suggested_roles=("telesales_agent",),
        indicators=(
            _to_target("calls_dialled", "拨打电话数量 Calls dialled (30 a day × 22 days)", Source.CALLS_DIALLED,
                       "15", "660"),
            _to_target("effective_conversations", "有效沟通客户数量 Effective conversations",
                       Source.EFFECTIVE_CONVERSATIONS, "15", "150"),
            _to_target("intent_customers", "意向客户数量 Intent customers", Source.INTENT_CUSTOMERS, "15", "20"),
            _to_target("orders", "成交订单数量 Orders (deals won)", Source.CONTRACTS_SIGNED, "15", "3"),
            _to_target("new_customers", "新客户开发数量 New customers won", Source.NEW_CUSTOMERS, "5", "2"),
            _to_target("follow_ups_on_time", "按时跟进 Follow-ups done on time", Source.FOLLOW_UPS_ON_TIME, "5",
                       "40"),
            _rated("service", "客户服务质量 Service quality and customer satisfaction", "10"),
            _rated("ability", "业务知识与技巧 Product knowledge and sales skills", "5"),
            _attendance("15"),
        ),
    ),
    Preset(
        key="group_leader",
        name="组长月度考核 Group leader (group results + own + leadership)",
        description="The group's sales, collections, contracts, new customers and visits (every member's, the "
                    "leader's included), the leader's own sales, rated leadership and teamwork, and attendance.",
        suggested_roles=("group_leader",),
        indicators=(
            _to_target("group_sales_amount", "小组销售额 The group's sales amount", Source.GROUP_SALES_AMOUNT,
                       "20", "400000"),
            _to_target("group_collections", "小组回款 The group's collections", Source.GROUP_COLLECTIONS, "10",
                       "320000"),
            _to_target("group_contracts_signed", "小组签约 The group's contracts", Source.GROUP_CONTRACTS_SIGNED,
                       "10", "16"),
            _to_target("group_new_customers", "小组新客户 The group's new customers", Source.GROUP_NEW_CUSTOMERS,
                       "5", "16"),
            _to_target("group_visits", "小组拜访 The group's customer visits", Source.GROUP_VISITS, "5", "320"),
            _to_target("own_sales_amount", "个人销售额 Own sales amount", Source.SALES_AMOUNT, "10", "100000"),
            _rated("leadership", "领导力 Leadership: plans, coaching, the group's discipline", "15"),
            _rated("teamwork", "团队协作 Cooperation with other groups and departments", "5"),
            _attendance("20"),
        ),
    ),
    Preset(
        key="supervisor",
        name="主管月度考核 Supervisor (department results + coaching)",
        description="The department's sales, dials, effective conversations, follow-ups done on time and "
                    "complaint-handling timeliness, rated coaching of newcomers (seed 002: calls made in front of "
                    "them) and team management, and attendance.",
        suggested_roles=("supervisor",),
        indicators=(
            _to_target("department_sales_amount", "部门销售额 The department's sales amount",
                       Source.DEPARTMENT_SALES_AMOUNT, "20", "1000000"),
            _to_target("department_calls_dialled", "部门外呼量 The department's calls dialled",
                       Source.DEPARTMENT_CALLS_DIALLED, "10", "6600"),
            _to_target("department_effective_conversations", "部门有效通话 The department's effective conversations",
                       Source.DEPARTMENT_EFFECTIVE_CONVERSATIONS, "10", "1500"),
            _to_target("department_follow_ups_on_time", "部门按时跟进 The department's follow-ups done on time",
                       Source.DEPARTMENT_FOLLOW_UPS_ON_TIME, "5", "400"),
            _share("department_complaints_on_time", "投诉处理及时率 Complaints the department handled on time (%)",
                   Source.DEPARTMENT_COMPLAINTS_ON_TIME, "5"),
            _rated("coaching", "带新人 Coaching newcomers", "15"),
            _rated("team_management", "团队管理 Team management", "15"),
            _attendance("20"),
        ),
    ),
    Preset(
        key="department_manager",
        name="部门/区域经理月度考核 Department or regional manager (A4 items + department results)",
        description="The department's sales, collections, new customers and complaint-handling timeliness, A4's "
                    "regional manager items rated (monthly report, reviewing weekly reports, training, report on "
                    "time, the reps' deductions), leadership and attendance.",
        suggested_roles=("department_manager", "regional_manager"),
        indicators=(
            _to_target("department_sales_amount", "部门销售额 The department's sales amount",
                       Source.DEPARTMENT_SALES_AMOUNT, "20", "1000000"),
            _to_target("department_collections", "部门回款 The department's collections",
                       Source.DEPARTMENT_COLLECTIONS, "10", "800000"),
            _to_target("department_new_customers", "部门新客户 The department's new customers",
                       Source.DEPARTMENT_NEW_CUSTOMERS, "5", "40"),
            _share("department_complaints_on_time", "投诉处理及时率 Complaints the department handled on time (%)",
                   Source.DEPARTMENT_COMPLAINTS_ON_TIME, "5"),
            _rated("monthly_report", "月报 Monthly report: summary, plan, local sales proposal", "20"),
            _rated("weekly_report_review", "审阅周报 Reviewing the reps' weekly reports", "5"),
            _rated("monthly_training", "每月培训 Monthly training of the reps", "5"),
            _rated("report_on_time", "月报30日前上报 Monthly report in by the 30th", "5"),
            _rated("rep_deductions", "业务员扣分连带责任 Responsibility for the reps' deductions", "5"),
            _rated("leadership", "领导力 Leadership", "10"),
            _attendance("10"),
        ),
    ),
)}

"""Ready-made templates HR installs (A4): the regional offices' 70/30 appraisal, as data.

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
)}

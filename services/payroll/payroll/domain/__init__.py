"""Pay rules as plain Python: plans, formulas, payslips, run completeness and run states."""

"""payroll: compensation plans, pay runs on period close, payslips that explain every line."""

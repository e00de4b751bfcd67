"""The org service: departments, regions, sales groups, employees and headcount plans (O1–O5)."""

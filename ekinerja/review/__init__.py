"""The governor's office review: province dashboard, drill-down, OPD compliance (domain.md §3.4)."""

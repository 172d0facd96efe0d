"""Monthly realisations (domain.md §4): entry with evidence, approval by the superior, periods
with deadlines and locks, notifications, and the Excel round-trip."""

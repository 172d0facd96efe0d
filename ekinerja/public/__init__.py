"""What the public reads without logging in: E-SAKIP pages, PPID, open data (domain.md §7)."""

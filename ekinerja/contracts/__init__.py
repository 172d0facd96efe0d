"""Performance agreements: the versioned lifecycle that A3 agreements and Perjanjian Kinerja share
(domain.md §5, §6), the PK's own content, printing, signing and public verification."""

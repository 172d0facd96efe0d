"""NTB's A3 agreement (Attitude, Attention, Action) between a superior and a subordinate official
(domain.md §5), on the shared lifecycle of ekinerja.contracts."""

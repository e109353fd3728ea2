"""What every group shares: one action plan fed by any source (reviews, inspections, audits,
task-and-finish groups, MARAC). Domain modules use it; it knows none of them (DESIGN.md 2)."""

"""Regional action plans, outcomes, indicators and evidence."""

"""The semester at a glance: partners by weeks, their events as bars, holidays shaded."""

"""Delegations: who from each partner comes to an event, the waiting list and check-in."""

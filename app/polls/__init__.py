"""Date polls: partners say which candidate dates suit them before an event's date is fixed."""

"""Events: thematic events, study visits, import workshops, local events; sessions, attendance."""

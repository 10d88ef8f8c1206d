"""iCal feeds partners subscribe to."""

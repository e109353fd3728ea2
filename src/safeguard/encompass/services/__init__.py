"""Every state change of Operation Encompass, one module per concern: incidents received,
matching, the review of matches, notifications to schools, calendars, neighbours, forwards."""

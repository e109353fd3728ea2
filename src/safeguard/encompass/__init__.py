"""Operation Encompass: police domestic abuse notifications to schools, before the next
school day."""

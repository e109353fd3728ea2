"""File formats in: the police incident CSV."""

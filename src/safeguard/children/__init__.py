"""The child index: identifiers (NHS number, UPN, police and LA ids) and record linkage."""

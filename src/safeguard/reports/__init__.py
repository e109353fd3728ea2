"""The annual report and other documents, built from live records (DESIGN.md section 2)."""

"""The Encompass pages, under /encompass/, namespace ``encompass``."""

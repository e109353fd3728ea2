"""Record-level DfE data kept and counted: the CIN census and the SSDA903 looked-after return.

A plain package, not a Django app, and the module's analytics room: ``schema`` names the tables,
``store`` keeps them as Parquet under a folder the caller owns, replacing the whole set or
nothing, ``indicators`` (one year end) and ``year_ends`` (several) count the child protection
and looked-after indicators in DuckDB, and ``keys`` names those indicators for the catalogue.
The files come in through ``importers.census``. Nothing here writes to the database or knows who
is asking: the caller checks access and audits.
"""

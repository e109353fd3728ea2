"""Record-level DfE data: the Children in Need census and the SSDA903 looked-after return.

A plain package, not a Django app: parsers turn the files into Arrow tables (``cin_xml``,
``ssda903_csv``), ``store`` keeps them as Parquet under a folder the caller owns, replacing the
whole set or nothing, ``indicators`` counts the child protection and looked-after indicators in
DuckDB, and ``validators`` runs the data-to-insight validators in their own virtual environment.
Nothing here writes to the database or knows who is asking: the caller checks access and audits.
"""

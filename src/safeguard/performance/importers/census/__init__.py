"""The census files in: a CIN census XML and an SSDA903 set, parsed into ``census.schema`` tables.

``upload`` reads the files of a web upload (ZIP caps included), ``cin_xml`` and ``ssda903_csv``
parse them, every bad row listed as a ``problems.Problem``, and ``validators`` runs the
data-to-insight validators in their own virtual environment (``validator_runner`` is the script
that environment executes).
"""

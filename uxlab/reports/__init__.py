"""What researchers read: the CX summary, comparisons, exports, share links, charts glue, PDF.

- ``summary`` builds a :class:`~uxlab.reports.types.CXSummary` from ``queries`` (which read
  the database in one pass through ``scan``/``sql``/``answers``), ``findings`` and ``page_speed``;
- ``comparison``: two versions or two variant studies side by side;
- ``export``/``downloads``: the full export and the report pages' CSVs;
- ``sharing``: read-only share links; ``format``/``charts``: figures and SVG for the templates;
- ``pdf``: the dashboard as a standalone HTML document for printing.
"""

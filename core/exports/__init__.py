"""Exports: one module per output format, like ``core.readers``.

``xlsx`` writes the corrected workbook (official layout, marks, list sheets, hidden key map),
``docx`` a regenerated Word report or the original Word tables with corrected values, ``common``
what both share (atomic writing with Chinese error messages, counts, names, text hygiene),
``batch_sheets`` the summary workbook's sheets of a whole batch (findings, counts per rule, review
states) and ``cli`` the ``export`` command line. No Qt here; openpyxl and python-docx load only when a module
that needs them is imported.
"""

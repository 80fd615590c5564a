"""File readers: one module per format, each exposing ``read(path, data, progress=None) -> Report``.

``core.loader.load`` picks the module by suffix or content: ``docx_reader`` (.docx/.docm),
``html_reader`` (.html/.htm/.shtml/.mhtml), ``pdf_reader`` (.pdf), ``office_convert``
(.doc/.wps/.rtf through LibreOffice); ``xlsx_reader`` is separate. The shared machinery (grids
with merged cells resolved, the rendered source text with cell spans, zip-bomb checks, and the
``Cancelled`` exception a progress callback raises to stop a load) is in ``core.readers.base``;
``core.readers.structure`` maps table grids (``core.readers.grid``) onto the official cell keys.
"""

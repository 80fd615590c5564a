"""Reading scanned reports: page images → straightened, seal-free pages → OCR → table grids.

The pipeline for one page (``core.scan.pipeline.read_page``):

1. ``images``: decode the page (PDF page rasterised with pypdfium2, or an image file), refusing
   decompression bombs, at a working resolution the recogniser reads well.
2. ``cleanup``: the red channel as the grey page (a red seal vanishes, black digits under it stay
   black), page orientation (sideways / upside down) and skew corrected.
3. ``ruling``: the ruled tables found from their horizontal and vertical lines, as grids with
   row/column spans and a box per cell; without ruling lines the text boxes' geometry is used.
4. ``engine``: RapidOCR (PP-OCR models shipped inside its wheel, run by onnxruntime, imported
   only when a scan is opened) reads the text lines; each value cell is read again on its own
   crop for a second opinion and the recogniser's alternatives.
5. ``evidence``: each cell's text, confidence, repairs (O→0, l→1 …), ink/seal checks → the doubt
   that marks it uncertain. Nothing is guessed silently.

The result of a page is plain data (``PageResult``), cached per file content (``cache``), and
turned into the same blocks the DOCX/HTML/PDF readers produce, so the same structural mapping
(``core.readers.structure``) places the values.
"""

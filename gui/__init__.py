"""The PySide6 review window. Everything here is a thin Qt layer over ``core``."""

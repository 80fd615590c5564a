"""Developer tools run from the project root (offline kit builder); importable for their tests."""

"""The book's maintenance commands; each runs as a file (``python scripts/execute.py``).

A package only so that tests and benchmarks can ``from scripts import book`` (see scripts/book.py).
"""

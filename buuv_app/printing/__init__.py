"""Printable output: the A4 sheets for the paper boards (prikborden)."""

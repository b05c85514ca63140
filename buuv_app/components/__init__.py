"""Presentational pieces: they take values or Vars and never touch the database."""

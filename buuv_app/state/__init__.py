"""Reflex state: AppState holds what every page needs; one substate per feature."""

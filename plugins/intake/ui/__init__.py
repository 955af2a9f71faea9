"""Textual screens of the intake plugin, one per module."""

"""Textual screens of the 好评 plugin, one per module."""

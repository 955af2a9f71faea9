"""Widgets the shell and plugins share."""

"""Widgets of the console that more than one screen uses."""

"""Thin views: parse input, call a service or a read, render or redirect with a message."""

"""Threadguard runtime: everything that scores comments, with no torch and no training code."""

__version__ = "0.1.0"

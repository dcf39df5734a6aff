"""Threadguard training: data adapters, the torch model, training, evaluation and export.

May import ``service``; ``service`` never imports this package.
"""

"""``python -m generator`` runs the ``gongkai`` command."""

from .cli import run

run()

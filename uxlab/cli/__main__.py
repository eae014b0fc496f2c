"""``python -m uxlab.cli``: the same as the ``uxlab`` command."""

from uxlab.cli import main

main()

"""``python -m coprod_cli`` runs the same app as the ``coprod`` command."""

from coprod_cli.cli import main

if __name__ == "__main__":
    main()

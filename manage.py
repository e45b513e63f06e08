#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmaprogress.settings")
    from django.core.management import execute_from_command_line

    from bmaprogress.env import MissingEnvironment

    try:
        execute_from_command_line(sys.argv)
    except MissingEnvironment as exc:
        sys.exit(f"BMA Progress cannot start: {exc}")


if __name__ == "__main__":
    main()

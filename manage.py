#!/usr/bin/env python
"""Django's command-line utility: production settings unless DJANGO_SETTINGS_MODULE names others.

For development, ``make`` sets ``DJANGO_SETTINGS_MODULE=market.settings.local``; to run a
command by hand, export it first (docs/configuration.md).
"""
import sys


def main():
    from market.entrypoints import use_settings

    use_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Build the Advocacy with ASEAN course: `python build.py --help`."""

import sys

from courseware.cli import main

if __name__ == "__main__":
    sys.exit(main())

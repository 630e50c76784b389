"""Shared start of every script: make workflow/ importable and send output to the log."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

"""kamgen: key-account playbooks in Git, validated and rendered into a site."""

from __future__ import annotations

__version__ = "0.1.0"

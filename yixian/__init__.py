"""yixian (一线): an open-source platform for a district government's frontline work."""

__version__ = "0.1.0"

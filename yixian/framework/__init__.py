"""Abstract pieces every module builds on: registry, scope, base models, generic views and API."""

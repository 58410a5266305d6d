"""Declarative workflows: definitions (YAML), their validation, and the engine that runs them."""

"""feedback-mining (placeholder until the foundation __init__ is merged from main)."""

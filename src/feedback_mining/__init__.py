"""feedback-mining: customer feedback into ranked friction themes."""

__version__ = "0.1.0"

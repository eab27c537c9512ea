"""The project's Rasa NLU components (these import Rasa)."""

"""Thin rasa-sdk actions over the Rasa-free library in bot/."""

"""The chat page and the embeddable web widget."""

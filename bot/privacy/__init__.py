"""What is kept about a conversation, for how long, and the counts kept instead of content.

Rasa-free: the tracker-store wrapper in bot/channels/private_store.py uses it.
"""

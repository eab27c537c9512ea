"""Reminders by text before her meetings and hearings: Rasa-free, opt-in, discreet.

parse:    "remind me about my conference on 14 January at 10am" -> kind, London time.
schedule: when the texts go (the evening before by 6pm; optionally the morning of).
secret:   her number, encrypted with Fernet (REMINDER_KEY); nothing else about her is kept.
store:    one SQLAlchemy table (the tracker database, or SQLite in var/) and a lease lock.
dialogue: the conversation on SMS and the web page (confirm, YES, my reminders, cancel, INFO).
sender:   `python -m bot.reminders send --now ISO-TIME`, and the server's once-a-minute run.

Design notes are in docs/reminders.md.
"""

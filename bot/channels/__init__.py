"""The project's Rasa channels. Unlike the rest of bot/, these import Rasa.

Rasa imports this package at start (credentials.yml names its channels), which is
where the one-off speed fix for action replies is installed.
"""
from bot.channels import action_check

action_check.install()

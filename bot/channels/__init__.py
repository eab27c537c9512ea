"""The project's Rasa channels and stores. Unlike the rest of bot/, these import Rasa.

Rasa imports this package at start (credentials.yml and endpoints.yml name classes
in it). That is where the one module of patches to Rasa's internals is checked
against the installed Rasa and put in place (bot/rasa_patches.py).
"""
from bot import rasa_patches

rasa_patches.install()

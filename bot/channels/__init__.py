"""The project's Rasa channels. Unlike the rest of bot/, these import Rasa."""

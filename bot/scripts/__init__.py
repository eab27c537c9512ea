"""Printable visit scripts for advocates, and the rights card a mother can keep.

Rendered with Jinja2 from the same content items as the chat (no copied text):
`python -m bot.scripts` (or `make scripts`) writes HTML and PDF to build/scripts/.
Rasa-free; WeasyPrint is imported only when a PDF is asked for.
"""
from bot.scripts.build import OUT_DIR, ScriptBuilder, write_scripts

__all__ = ["OUT_DIR", "ScriptBuilder", "write_scripts"]

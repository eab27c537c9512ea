"""One message's JSON, the same from every channel: the text with its content id and part
in the same object (docs/content-ids.md), buttons as title and payload."""
from __future__ import annotations

import asyncio

from bot.channels.rest import ContentCollectingOutputChannel, fallback_messages
from bot.channels.sms import SmsOutput
from bot.render import Channel
from bot.web import pages


def test_what_rasa_sends_reaches_rest_and_sms_clients_in_one_object_with_its_id():
    for output in (ContentCollectingOutputChannel(), SmsOutput()):
        asyncio.run(output.send_text_with_buttons(
            "her-id", "What happens at the conference", [{"title": "Go back", "payload": "/nav_back"}],
            metadata={"content_id": "stage/icpc", "part": "more"}))
        asyncio.run(output.send_text_message("her-id", "Plain words", metadata={"content_id": "meta/greet"}))
        first, second = output.messages
        assert first == {"recipient_id": "her-id", "text": "What happens at the conference",
                         "content_id": "stage/icpc", "part": "more",
                         "buttons": [{"title": "Go back", "payload": "/nav_back"}]}
        assert second == {"recipient_id": "her-id", "text": "Plain words", "content_id": "meta/greet"}


def test_the_page_greeting_and_the_rest_fallback_have_the_shape_of_a_bot_reply(renderer, tmp_path):
    settings = pages.WebSettings(bot_url="http://127.0.0.1:5999", exit_url="http://localhost:1/", scripts_dir=tmp_path)
    greeting = pages.widget_config(renderer, settings)["greeting"][0]
    [fallback] = fallback_messages("her-id", "meta/fallback")
    for message, content_id in ((greeting, "meta/greet"), (fallback, "meta/fallback")):
        assert message["content_id"] == content_id and message["part"] == "main"
        assert message["text"] == renderer.message(content_id, Channel.WEB).text
        assert all(set(b) == {"title", "payload"} for b in message.get("buttons", []))
    assert fallback["recipient_id"] == "her-id" and fallback["buttons"], "the fallback offers topics"

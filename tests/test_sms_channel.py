"""The Rasa side of the SMS channel: its name, settings and the URL it checks signatures against."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.channels.sms import SmsInput, SmsOutput
from tests.fake_sms_gateway import AUTH_TOKEN, signed


def test_the_output_is_named_sms_so_the_sms_renderings_are_used_and_keeps_content_ids():
    output = SmsOutput()
    asyncio.run(output.send_text_with_buttons(
        "x", "Hello", [{"title": "Go back", "payload": "/nav_back"}], metadata={"content_id": "meta/greet"}))
    assert SmsOutput.name() == SmsInput.name() == "sms"
    assert output.messages[0]["content_id"] == "meta/greet" and output.messages[0]["buttons"]


def test_settings_come_from_the_environment_not_the_credentials_file(monkeypatch):
    monkeypatch.setenv("SMS_GATEWAY_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("SMS_ACCOUNT_SID", "ACenv")
    monkeypatch.setenv("SMS_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("SMS_FROM_NUMBER", "+447700900002")
    monkeypatch.delenv("SMS_PUBLIC_URL", raising=False)
    channel = SmsInput.from_credentials(None)
    assert channel.gateway_config.messages_url == "http://127.0.0.1:9/2010-04-01/Accounts/ACenv/Messages.json"
    assert channel.gateway_config.from_number == "+447700900002" and channel.public_url is None


def test_behind_a_proxy_the_public_url_is_the_one_signed(monkeypatch):
    monkeypatch.setenv("SMS_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("SMS_PUBLIC_URL", "https://sms.example.test/webhooks/sms/webhook")
    channel = SmsInput.from_credentials(None)
    request = SimpleNamespace(url="http://127.0.0.1:5005/webhooks/sms/webhook", query_string="")
    form = {"From": "+447700900123", "Body": "hi", "MessageSid": "SM1"}
    public_signature = signed("https://sms.example.test/webhooks/sms/webhook", form)["X-Twilio-Signature"]
    assert channel.validator.validate(channel.signed_url(request), form, public_signature)
    inner_signature = signed(request.url, form)["X-Twilio-Signature"]
    assert not channel.validator.validate(channel.signed_url(request), form, inner_signature)

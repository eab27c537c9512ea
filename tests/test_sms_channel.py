"""The Rasa side of the SMS channel: its name, settings and the URL it checks signatures against."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.channels.sms import SmsInput, SmsOutput
from bot.sms.gateway import SmsGateway
from tests.fake_sms_gateway import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeGateway, signed


def test_the_output_is_named_sms_so_the_sms_renderings_are_used_and_keeps_content_ids():
    output = SmsOutput()
    asyncio.run(output.send_text_with_buttons(
        "x", "Hello", [{"title": "Go back", "payload": "/nav_back"}], metadata={"content_id": "meta/greet"}))
    assert SmsOutput.name() == SmsInput.name() == "sms"
    assert output.messages[0]["content_id"] == "meta/greet" and output.messages[0]["buttons"]


def test_settings_come_from_the_environment_not_the_credentials_file(monkeypatch):
    # A text sent with the channel's settings reaches the gateway named in the environment,
    # under its account and token, from its number (credentials.yml holds no secrets).
    fake = FakeGateway().start()
    try:
        for name, value in fake.env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("SMS_PUBLIC_URL", raising=False)
        channel = SmsInput.from_credentials({"account_sid": "ACfile", "auth_token": "from-file"})
        gateway = SmsGateway(channel.gateway_config, attempts=1)

        async def send():
            try:
                await gateway.send("+447700900123", "Hello")
            finally:
                await gateway.close()
        asyncio.run(send())
        [sent] = fake.sent
        assert (sent.to, sent.sender, sent.body) == ("+447700900123", FROM_NUMBER, "Hello")
        assert sent.auth == f"{ACCOUNT_SID}:{AUTH_TOKEN}" and ACCOUNT_SID in sent.path
        assert channel.public_url is None
    finally:
        fake.stop()


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

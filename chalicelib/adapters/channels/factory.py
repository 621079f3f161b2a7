"""Which channels this deployment has, from Settings alone.

A channel whose provider is not configured is absent from the map rather than present and
failing: the delivery service then skips that channel for everyone (a person who chose SMS
still has the in-app list) instead of filling a dead-letter queue with messages that could
never go. E-mail is always there: SES in AWS, the SMTP sink when SMTP_HOST names one.
"""
from __future__ import annotations

from chalicelib.adapters.channels.email import SesEmail, SmtpEmail
from chalicelib.adapters.channels.push import SnsPush
from chalicelib.adapters.channels.twilio import TwilioMessages
from chalicelib.config import Settings
from chalicelib.services.ports import Channel


def channels_from(settings: Settings) -> dict[str, Channel]:
    """name -> channel, for every channel this deployment can deliver on. No network, no boto3:
    the AWS clients are made on the first send."""
    channels: dict[str, Channel] = {}
    if settings.smtp_host:
        channels["email"] = SmtpEmail(settings.smtp_host, settings.smtp_port, settings.email_sender)
    else:
        channels["email"] = SesEmail(settings.email_sender, settings.region, settings.ses_configuration_set)
    sid, token = settings.twilio_account_sid, settings.twilio_auth_token
    if sid and token and settings.twilio_sms_from:
        channels["sms"] = TwilioMessages("sms", sid, token, settings.twilio_sms_from, settings.twilio_base_url)
    if sid and token and settings.twilio_whatsapp_from:
        channels["whatsapp"] = TwilioMessages("whatsapp", sid, token, settings.twilio_whatsapp_from,
                                              settings.twilio_base_url)
    if settings.push_platform_arn:
        channels["push"] = SnsPush(settings.push_platform_arn, settings.region)
    if settings.lapor_base_url:       # a LAPOR! reporter's updates go back to SP4N-LAPOR!
        # lazy: only a stage that talks to LAPOR! loads its adapter
        from chalicelib.adapters.lapor import LaporChannel, LaporHttp
        channels["lapor"] = LaporChannel(LaporHttp(settings.lapor_base_url, settings.lapor_token))
    return channels

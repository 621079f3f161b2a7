"""Delivery channels besides the in-app list: e-mail (SES, or SMTP locally), SMS and WhatsApp
(Twilio's Messages API), mobile push (SNS platform endpoints). One interface (services/ports.Channel)."""

"""TOTP second factor (django-otp): enrolment and verification."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit to the enrolment page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :].replace(
        "<svg", '<svg role="img" aria-label="QR code for your authenticator app"', 1
    )


def verify(request, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True

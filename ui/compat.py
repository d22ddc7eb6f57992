"""Compatibility shim: Streamlit 1.60's gzip middleware with Starlette >= 1.x.

Streamlit's ``_MediaAware*Responder.send_with_compression`` stores the
``http.response.start`` message of images, audio and video (content types it excludes from
compression) without sending it, as older Starlette expected; Starlette 1.x then sends the
body straight away, so every ``/media/...`` image or video and the favicon fail with HTTP 500
("Expected ASGI message 'http.response.start'"). That breaks ``st.image`` and ``st.video``.

:func:`fix_media_responses` lets Starlette handle the start message itself (it already
excludes images and audio) and adds Streamlit's extra ``audio/`` and ``video/`` exclusions.
It patches only when the installed Starlette has the new behaviour, and only once. Remove
this module once the pinned Streamlit and Starlette agree again.
"""

from __future__ import annotations

import inspect

_MEDIA_PREFIXES = ("audio/", "video/")


def fix_media_responses() -> bool:
    """Patch Streamlit's media-aware gzip responders; True when a patch was applied."""
    try:
        from starlette.datastructures import Headers
        from starlette.middleware.gzip import IdentityResponder
        from streamlit.web.server.starlette import starlette_gzip_middleware as mw
    except Exception:  # noqa: BLE001 - another Streamlit layout: nothing to fix
        return False
    if "exclude_content_types" not in inspect.signature(IdentityResponder.__init__).parameters:
        return False                      # old Starlette: Streamlit's override is right
    base = IdentityResponder.send_with_compression

    async def send_with_compression(self, message) -> None:
        await base(self, message)
        if message["type"] != "http.response.start":
            return
        sent = self.content_encoding_set or self.partial_response or self.content_type_is_excluded
        ctype = Headers(raw=message.get("headers", [])).get("content-type", "")
        if not sent and ctype.startswith(_MEDIA_PREFIXES):
            self.content_type_is_excluded = True     # never gzip audio/video
            await self.send(self.initial_message)

    patched = False
    for name in ("_MediaAwareIdentityResponder", "_MediaAwareGZipResponder"):
        cls = getattr(mw, name, None)
        if cls is not None and not getattr(cls, "_footcoach_patched", False):
            cls.send_with_compression = send_with_compression
            cls._footcoach_patched = True
            patched = True
    return patched

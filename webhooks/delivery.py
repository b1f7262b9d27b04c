"""
Sending one delivery: its body, its Standard Webhooks signature, the guarded POST, and
the record of how it went. The task in webhooks.tasks calls `attempt` and retries it.

Signature (https://www.standardwebhooks.com/): the headers

    webhook-id: <the delivery's idempotency key, the same on every retry>
    webhook-timestamp: <seconds since 1970, when this attempt was signed>
    webhook-signature: v1,<base64 of HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")>

where the secret bytes are the base64 after the endpoint secret's "whsec_".
"""

import json
from datetime import UTC

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from api.ninjs import STANDARD, ninjs_queryset, story_as_ninjs, story_uri, timestamp
from articles.models import Article
from newsroom.outbound import OutboundError, allowed_networks, check_url, fetch

from .models import Delivery, Event

# Receivers answer at once and do their work later; a slow one counts as down.
TIMEOUT_SECONDS = 10
# The answer's body is not used; a receiver sending more is cut short.
MAX_RESPONSE_BYTES = 64 * 1024
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "*/*"}


class DeliveryFailed(Exception):
    """An attempt that did not get a 2xx answer; worth trying again later."""


class DeliveryRefused(Exception):
    """A delivery that can never go out as configured (a refused scheme); not retried."""


def visible_from(article):
    """Return when readers can first see a published story: its publication time, or its embargo's end if later."""
    if article.published_at is None:
        return None
    if article.embargo_lifts_at and article.embargo_lifts_at > article.published_at:
        return article.embargo_lifts_at
    return article.published_at


def encode(item):
    """Return a ninjs item as the compact UTF-8 JSON text that is sent and signed."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def takedown_item(article):
    """
    Describe an unpublished story: its identifiers, version and pubStatus "canceled"
    only. A story taken down (perhaps for legal reasons) is not sent out again.
    """
    return {
        "standard": STANDARD,
        "uri": story_uri(article),
        "type": "text",
        "representationType": "partial",
        "version": str(article.version),
        "versionCreated": timestamp(article.updated_at),
        "pubStatus": "canceled",
        "altIds": [{"role": "id", "value": str(article.pk)}],
    }


def signature(secret, message_id, signed_at, body):
    """Return the webhook-signature header of `body` (text) as Standard Webhooks' reference library makes it."""
    return Webhook(secret).sign(msg_id=message_id, timestamp=signed_at.astimezone(UTC), data=body)


def signed_headers(delivery, body, signed_at):
    """Return the headers of one attempt: content type, event, and the Standard Webhooks id, timestamp and signature."""
    return {
        **JSON_HEADERS,
        "webhook-id": delivery.key,
        "webhook-timestamp": str(int(signed_at.timestamp())),
        "webhook-signature": signature(delivery.endpoint.secret, delivery.key, signed_at, body),
        "Newsroom-Event": delivery.event,
    }


def allowed_schemes(url):
    """
    Return the schemes a delivery to `url` may use: https; and http only when every
    address the host resolves to lies in NEWSROOM_OUTBOUND_ALLOWED_NETWORKS (a partner
    on the newsroom's own network), never to the public internet. Raise
    DeliveryRefused for any other address, OutboundError if the host cannot be checked.
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme == "https":
        return ("https",)
    if scheme == "http":
        refusal = DeliveryRefused(
            _("%(url)s: http:// is allowed only to the networks the settings allow.") % {"url": url}
        )
        if not (networks := allowed_networks()):
            raise refusal
        addresses = check_url(url, schemes=("http",))
        if not all(any(address in network for network in networks) for address in addresses):
            raise refusal
        return ("http",)
    raise DeliveryRefused(_("%(url)s: only https:// addresses receive deliveries.") % {"url": url})


def mark(delivery_id, **fields):
    """Update one delivery's row, without touching what another attempt may have written to its other columns."""
    Delivery.objects.filter(pk=delivery_id).update(**fields)


def prepare_payload(delivery):
    """
    Make and keep the delivery's body at its first attempt, and return it; or return
    the time to try again (a scheduled story not yet visible), or None after marking
    the delivery skipped (a story no longer visible, for any event but unpublished).
    """
    article = ninjs_queryset(Article.objects.filter(pk=delivery.article_id)).first()
    if article is None:
        return None  # Deleted meanwhile, and this delivery with it.
    if delivery.event == Event.UNPUBLISHED:
        payload = encode(takedown_item(article))
    elif article.is_published():
        payload = encode(story_as_ninjs(article))
    else:
        shows_at = visible_from(article) if article.has_public_address() else None
        if delivery.event == Event.PUBLISHED and shows_at and shows_at > timezone.now():
            return shows_at
        mark(
            delivery.pk,
            status=Delivery.Status.SKIPPED,
            last_error=_("The story was no longer visible to readers when this was due to go out."),
        )
        return None
    delivery.payload = payload
    mark(delivery.pk, payload=payload)
    return payload


def attempt(delivery_id):
    """
    Send one pending delivery once, and record the outcome. Return a time to try again
    when the story is scheduled for later; raise DeliveryFailed (retried) or
    DeliveryRefused (not) when it did not get a 2xx answer. A delivery that is not
    pending (delivered, failed, skipped, or gone) is left alone: running this twice
    never sends a delivered one again.
    """
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return None
    if not delivery.endpoint.is_enabled:
        mark(delivery_id, status=Delivery.Status.SKIPPED, last_error=_("The endpoint was disabled."))
        return None
    body = delivery.payload
    if not body:
        body = prepare_payload(delivery)
        if not isinstance(body, str):
            return body
    now = timezone.now()
    url = delivery.endpoint.url
    try:
        schemes = allowed_schemes(url)
        response = fetch(
            url,
            schemes=schemes,
            method="POST",
            data=body.encode("utf-8"),
            headers=signed_headers(delivery, body, now),
            max_bytes=MAX_RESPONSE_BYTES,
            timeout=TIMEOUT_SECONDS,
        )
    except (OutboundError, DeliveryRefused) as error:
        mark(
            delivery_id,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            response_code=getattr(error, "status", None),
            last_error=str(error),
        )
        if isinstance(error, DeliveryRefused):
            raise
        raise DeliveryFailed(str(error)) from error
    outcome = {"attempts": F("attempts") + 1, "last_attempt_at": now, "response_code": response.status}
    if response.url != url:
        # Following a redirect turns a POST into a GET without the body: the endpoint's address is out of date.
        message = _("%(url)s redirected to %(target)s; give the endpoint its new address.") % {
            "url": url,
            "target": response.url,
        }
        mark(delivery_id, **outcome, last_error=message)
        raise DeliveryFailed(message)
    if not 200 <= response.status < 300:
        message = _("%(url)s answered %(status)s, not 2xx.") % {"url": url, "status": response.status}
        mark(delivery_id, **outcome, last_error=message)
        raise DeliveryFailed(message)
    mark(delivery_id, **outcome, status=Delivery.Status.DELIVERED, delivered_at=timezone.now(), last_error="")
    return None


def give_up(error, delivery_id):
    """Mark a delivery failed once its last attempt has failed, or it can never go out."""
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.FAILED, last_error=str(error)
    )

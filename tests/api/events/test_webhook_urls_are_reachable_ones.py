"""A webhook URL is one a POST can reach: an absolute http(s) URL (scheme in any case) with a
host name or IP address and a port from 1 to 65535. Any other is refused and nothing is
subscribed (`http://`, port 0 or 99999, a host with a space were subscribed, and every
delivery to them failed and was retried for a day)."""

import pytest

from app.services import webhooks
from app.services.stores import StoreError
from tests.conftest import STORE_ID

URLS = {
    "https://example.com/hooks": True,
    "HTTP://127.0.0.1:8780/x": True,
    "http://[::1]:8080/h": True,
    "http://localhost:1/h": True,
    "https://bücher.example/h": True,  # an IDN, sent in its ASCII form
    "https://hooks.internal_zone.example:65535/": True,
    "http://": False,
    "http:///x": False,
    "https://": False,
    "http://127.0.0.1:0/x": False,
    "http://127.0.0.1:99999/x": False,
    "https://exa mple.com/": False,
    "http://a..b/": False,
    "http://-example.com/": False,
    "ftp://example.com/": False,
    "example.com/hooks": False,
    "": False,
}


@pytest.mark.parametrize(("url", "accepted"), URLS.items(), ids=[repr(url) for url in URLS])
async def test_a_webhook_url_is_one_a_post_can_reach(api, url, accepted):
    if accepted:
        hook = await webhooks.add_webhook(api.db, STORE_ID, url)
        assert [row["url"] for row in await api.rows("webhooks")] == [hook["url"]] == [url]
        return
    with pytest.raises(StoreError, match="must be an http\\(s\\) URL with a host name or address"):
        await webhooks.add_webhook(api.db, STORE_ID, url)
    assert await api.rows("webhooks") == []

"""SPEC §2: issued keys look like kanal_sk_live_<random>; only a hash is stored."""

from app.services import keys


async def test_issued_keys_have_the_live_prefix_and_only_a_hash_is_stored(api):
    assert api.key.startswith("kanal_sk_live_") and len(api.key) >= len("kanal_sk_live_") + 22
    stored = await api.rows("api_keys")
    assert all(api.key not in str(value) for row in stored for value in row.values())
    assert stored[0]["key_hash"] == keys.hash_key(api.key)

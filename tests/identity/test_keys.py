"""The signing key comes from settings/env and rotates without a gap for relying parties."""

import pytest
from authlib.jose import JsonWebKey, jwt
from django.core.exceptions import ImproperlyConfigured

from identity import keys
from identity.adapter import OIDCAdapter

OLD = keys.generate_pem()
NEW = keys.generate_pem()


def _allauth_kid(pem):
    from allauth.core.internal import jwkkit

    return jwkkit.load_jwk_from_pem(pem)[0]["kid"]


def test_pem_from_env_may_use_escaped_newlines():
    one_line = NEW.strip().replace("\n", "\\n")
    assert keys.split_pems(one_line) == [NEW]
    assert keys.split_pems(OLD + "\n" + NEW) == [OLD, NEW]


def test_garbage_in_the_key_variable_is_a_configuration_error(tmp_path):
    with pytest.raises(ImproperlyConfigured):
        keys.private_key_setting("not a key", dev_key_path=tmp_path / "k.pem")
    with pytest.raises(ImproperlyConfigured):
        keys.private_key_setting("", dev_key_path=None)  # production: the variable is required


def test_development_key_is_generated_once_and_kept(tmp_path):
    path = tmp_path / "dev.pem"
    first = keys.private_key_setting("", dev_key_path=path)
    assert keys.private_key_setting("", dev_key_path=path) == first
    assert path.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert keys.private_key_setting(NEW, dev_key_path=path) == NEW


@pytest.mark.django_db
def test_jwks_publishes_the_verify_only_key_but_tokens_are_signed_with_the_current_one(client, settings):
    settings.IDP_OIDC_PRIVATE_KEY = NEW
    settings.IDP_OIDC_PRIVATE_KEYS = [{"pem": OLD}]
    jwks = client.get("/.well-known/jwks.json").json()
    assert {k["kid"] for k in jwks["keys"]} == {_allauth_kid(OLD), _allauth_kid(NEW)}
    assert OIDCAdapter().get_signing_key().pem == NEW

    # An ID token signed with the old key before the switch still verifies against the JWKS.
    old_token = jwt.encode({"alg": "RS256", "kid": _allauth_kid(OLD)}, {"sub": "1"}, OLD)
    assert jwt.decode(old_token, JsonWebKey.import_key_set(jwks))["sub"] == "1"


@pytest.mark.django_db
def test_after_rotation_the_retired_key_is_gone_from_the_jwks(client, settings):
    settings.IDP_OIDC_PRIVATE_KEY = NEW
    settings.IDP_OIDC_PRIVATE_KEYS = []
    response = client.get("/.well-known/jwks.json")
    assert [k["kid"] for k in response.json()["keys"]] == [_allauth_kid(NEW)]
    assert "max-age=" in response["Cache-Control"]
    assert "d" not in response.json()["keys"][0]  # never the private part

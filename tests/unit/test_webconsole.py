"""The web console's seam in the local dev server (lampungin/localstack/webconsole.py): the built
app at / and /assets/, an Indonesian page without a build, and the loopback-only local sign-in."""
from __future__ import annotations

import json

import jwt
import pytest

from lampungin.localstack import keys
from lampungin.localstack.webconsole import SIGN_IN_PATH, LocalRoutes, is_loopback


@pytest.fixture
def dist(tmp_path):
    out = tmp_path / "dist"
    (out / "assets").mkdir(parents=True)
    (out / "index.html").write_text("<!doctype html><title>Lampung In</title>", encoding="utf-8")
    (out / "assets" / "index-abc.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("no", encoding="utf-8")
    return out


def routes(tmp_path, dist):
    return LocalRoutes(tmp_path / "home", dist)


def get(r, path):
    return r.answer("GET", path, {}, None, "127.0.0.1")


def sign_in(r, body, client="127.0.0.1", headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return r.answer("POST", SIGN_IN_PATH, headers or {}, raw, client)


def test_root_and_assets_answer_the_build(tmp_path, dist):
    r = routes(tmp_path, dist)
    index = get(r, "/")
    assert index["statusCode"] == 200 and b"Lampung In" in index["body"]
    assert index["headers"]["Content-Type"].startswith("text/html")
    asset = get(r, "/assets/index-abc.js?v=1")
    assert asset["statusCode"] == 200 and asset["body"] == b"console.log(1)"
    assert "javascript" in asset["headers"]["Content-Type"]


def test_without_a_build_root_says_run_make_web_in_indonesian(tmp_path):
    page = get(routes(tmp_path, tmp_path / "missing"), "/")
    assert page["statusCode"] == 200
    assert b"make web" in page["body"] and b'lang="id"' in page["body"]


def test_config_json_is_local_sign_in_on_this_origin_and_no_map_by_default(tmp_path, dist, monkeypatch):
    monkeypatch.delenv("LAMPUNGIN_MAP_TILES", raising=False)
    answer = get(routes(tmp_path, dist), "/config.json")
    assert answer["statusCode"] == 200 and answer["headers"]["Cache-Control"] == "no-store"
    assert json.loads(answer["body"]) == {"api_base": "", "sign_in": {"kind": "local"}, "map_tiles": None}


def test_config_json_gives_the_map_tiles_of_the_environment(tmp_path, dist, monkeypatch):
    monkeypatch.setenv("LAMPUNGIN_MAP_TILES", "https://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("LAMPUNGIN_MAP_ATTRIBUTION", "© OpenStreetMap")
    tiles = json.loads(get(routes(tmp_path, dist), "/config.json")["body"])["map_tiles"]
    assert tiles == {"url": "https://tiles.example/{z}/{x}/{y}.png", "attribution": "© OpenStreetMap"}


@pytest.mark.parametrize("path", ["/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/nope.js",
                                  "/assets/", "/v1/health", "/docs", "/secret.txt"])
def test_everything_else_goes_on_to_the_api(tmp_path, dist, path):
    assert get(routes(tmp_path, dist), path) is None


def test_sign_in_mints_a_token_of_the_local_key(tmp_path, dist):
    r = routes(tmp_path, dist)
    answer = sign_in(r, {"sub": "operator.bapenda", "role": "operator", "opd": "BAPENDA", "name": "Budi"})
    assert answer["statusCode"] == 200
    body = json.loads(answer["body"])
    key = keys.load_or_create_key(tmp_path / "home").public_key()
    claims = jwt.decode(body["token"], key, algorithms=["RS256"], issuer=keys.LOCAL_ISSUER)
    assert (claims["sub"], claims["role"], claims["opd"], claims["name"]) == \
        ("operator.bapenda", "operator", "BAPENDA", "Budi")
    assert body["claims"] == {"sub": "operator.bapenda", "role": "operator", "opd": "BAPENDA", "name": "Budi"}


def test_a_citizen_carries_no_opd(tmp_path, dist):
    body = json.loads(sign_in(routes(tmp_path, dist), {"sub": "warga-1", "role": "citizen", "opd": "BAPENDA"})["body"])
    assert body["claims"] == {"sub": "warga-1", "role": "citizen"}


@pytest.mark.parametrize("body", [{"sub": "x", "role": "root"}, {"sub": "op", "role": "operator"},
                                  {"sub": "op", "role": "operator", "opd": "NOPE"}, {"sub": "a b", "role": "citizen"},
                                  {"role": "citizen"}, ["citizen"], {"sub": 1, "role": "citizen"}])
def test_bad_sign_in_is_422_in_the_contract_shape(tmp_path, dist, body):
    answer = sign_in(routes(tmp_path, dist), body)
    assert answer["statusCode"] == 422
    error = json.loads(answer["body"])["error"]
    assert error["code"] == "invalid_sign_in" and error["message"].startswith("Data masuk tidak valid")


def test_sign_in_errors_follow_accept_language(tmp_path, dist):
    answer = sign_in(routes(tmp_path, dist), b"{", headers={"Accept-Language": "en"})
    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["error"]["message"] == "The request body must be valid JSON."


def test_sign_in_only_from_the_loopback(tmp_path, dist):
    answer = sign_in(routes(tmp_path, dist), {"sub": "warga-1", "role": "citizen"}, client="192.168.1.20")
    assert answer["statusCode"] == 403
    assert not (tmp_path / "home" / "auth").exists()          # nothing minted, no key made
    assert is_loopback("::1") and is_loopback("127.0.0.2") and not is_loopback("10.0.0.1")


def test_sign_in_is_post_only(tmp_path, dist):
    assert get(routes(tmp_path, dist), SIGN_IN_PATH) is None     # the gateway's 404


def test_the_lambda_app_has_no_console_or_sign_in_route():
    from app import app
    assert "/" not in app.routes and SIGN_IN_PATH not in app.routes
    assert not any(path.startswith("/local") for path in app.routes)

"""Who may reach the server: the launcher's checks before it starts anything (no stack)."""

import pytest

from bot.tools import serve
from bot.tools.api_access import Access, UnsafeAccess, is_loopback
from knowledge.settings import Settings, get_settings


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "assistant.example.org", "::"])
def test_the_api_beyond_loopback_needs_a_token(host):
    with pytest.raises(UnsafeAccess, match="without a token"):
        Access(host=host, api_enabled=True).check()
    Access(host=host, api_enabled=True, api_token="t0ken").check()
    Access(host=host, api_enabled=True, jwt_secret="jwt-secret").check()
    Access(host=host, api_enabled=False).check()  # channels only: no API to protect


def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


def test_the_api_is_off_unless_asked_for_and_always_has_a_token():
    assert "--enable-api" not in Access().rasa_args()
    args = Access(api_enabled=True).with_token().rasa_args()
    assert "--enable-api" in args and any(arg.startswith("--auth-token=") and len(arg) > 20 for arg in args)
    assert "--cors" not in args  # no allow-list: Rasa sends no CORS headers, same origin only


@pytest.mark.parametrize("secret", ["-starts-with-a-dash", "--looks-like-an-option", "plain_token"])
def test_rasa_reads_any_token_and_secret_as_given(secret):
    # token_urlsafe begins with "-" one time in 64; as a separate argument argparse took it
    # for an option and `rasa run` exited with code 2 (a failed CI run).
    from rasa.__main__ import create_argument_parser

    args = Access(api_enabled=True, api_token=secret, jwt_secret=secret + "-jwt").rasa_args()
    parsed = create_argument_parser().parse_args(["run", *args])
    assert (parsed.auth_token, parsed.jwt_secret, parsed.jwt_method) == (secret, secret + "-jwt", "HS256")
    assert parsed.enable_api


def test_cors_is_an_explicit_allow_list():
    args = Access(cors_origins=["https://a.example", "https://b.example"]).rasa_args()
    assert args[args.index("--cors") :] == ["--cors", "https://a.example", "https://b.example"]
    with pytest.raises(UnsafeAccess):
        Access(cors_origins=["*"]).check()
    for bad in ("*", "https://a.example/path", "javascript:alert(1)", "a.example"):
        with pytest.raises(ValueError):
            Settings(cors_origins=bad)
    assert Settings(cors_origins="https://a.example/, http://b.example:8080").allowed_origins == [
        "https://a.example",
        "http://b.example:8080",
    ]


def test_text_logging_is_a_development_switch():
    assert "--debug" not in Access().rasa_args()
    assert "--debug" in Access(log_text=True).rasa_args()


def test_the_launcher_refuses_to_start_an_open_api_on_the_network(monkeypatch, capsys):
    monkeypatch.delenv("IMT_API_TOKEN", raising=False)
    monkeypatch.delenv("IMT_API_JWT_SECRET", raising=False)
    get_settings.cache_clear()
    started = []
    monkeypatch.setattr(serve, "running_stack", lambda *a, **k: started.append(a))
    try:
        assert serve.main(["--host", "0.0.0.0", "--enable-api"]) == 2
    finally:
        get_settings.cache_clear()
    assert not started and "without a token" in capsys.readouterr().err


def test_the_widget_gets_only_conversation_ids_the_server_signed(tmp_path):
    from bot.channels.web_session import SenderIds

    key_file = tmp_path / "var" / "web_secret.key"
    senders = SenderIds.from_settings(Settings(web_secret_file=key_file))
    issued = senders.issue()
    assert senders.verified(issued) == issued
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert SenderIds.from_settings(Settings(web_secret_file=key_file)).verified(issued) == issued  # after a restart
    assert SenderIds(b"another key").verified(issued) is None
    forged = issued[:-1] + ("0" if issued[-1] != "0" else "1")
    for sender in (forged, "web-" + "0" * 24 + "-" + "0" * 32, "slack:T:C:U", None, 5):
        assert senders.verified(sender) is None

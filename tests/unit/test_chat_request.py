import json

import pytest

from orchestrator.chat_request import parse_chat_request
from orchestrator.openai_errors import RequestError


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_parses_messages_and_last_user_text_from_parts() -> None:
    chat = parse_chat_request(
        body(
            model="auto",
            stream=True,
            messages=[
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "first"},
                {"role": "assistant", "content": None},
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "second"}, {"type": "image_url"}],
                },
            ],
        )
    )
    assert chat.model == "auto"
    assert chat.stream is True
    assert chat.last_user_text() == "second"


@pytest.mark.parametrize(
    ("raw", "code", "param"),
    [
        (b"{not json", "invalid_json", None),
        (b"\xff\xfe", "invalid_json", None),
        (b"[1, 2]", "invalid_json", None),
        (body(messages=[{"role": "user", "content": "x"}]), "invalid_value", "model"),
        (body(model=3, messages=[{"role": "user", "content": "x"}]), "invalid_value", "model"),
        (body(model="auto"), "invalid_value", "messages"),
        (body(model="auto", messages=[]), "invalid_value", "messages"),
        (body(model="auto", messages="hi"), "invalid_value", "messages"),
        (body(model="auto", messages=["hi"]), "invalid_value", "messages[0]"),
        (
            body(model="auto", messages=[{"role": "wizard", "content": "x"}]),
            "invalid_value",
            "messages[0].role",
        ),
        (
            body(model="auto", messages=[{"role": "user", "content": 5}]),
            "invalid_value",
            "messages[0].content",
        ),
        (
            body(model="auto", messages=[{"role": "user", "content": [1]}]),
            "invalid_value",
            "messages[0].content[0]",
        ),
        (
            body(model="auto", stream="yes", messages=[{"role": "user", "content": "x"}]),
            "invalid_value",
            "stream",
        ),
    ],
)
def test_bad_bodies_are_400_with_the_offending_param(
    raw: bytes, code: str, param: str | None
) -> None:
    with pytest.raises(RequestError) as caught:
        parse_chat_request(raw)
    error = caught.value
    assert error.status == 400
    assert error.code == code
    assert error.param == param
    payload = json.loads(error.body())
    assert set(payload["error"]) == {"message", "type", "code", "param"}
    assert payload["error"]["message"]

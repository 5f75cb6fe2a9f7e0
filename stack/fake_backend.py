"""A fake OpenAI-compatible LLM server: it names the model that answered and echoes the body.

The one faked component in integration tests. Like vLLM, it serves one model and rejects a
request for another, so a router that forgets to rewrite `model` fails loudly. Each answer
carries `router_echo` (the exact JSON body received) so tests can see what was forwarded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

BACKEND_HEADER = "x-fake-backend"


def create_app(served_model: str) -> FastAPI:
    app = FastAPI(title=f"fake backend for {served_model}")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "model": served_model}

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        data = [{"id": served_model, "object": "model", "created": 0, "owned_by": "fake"}]
        return {"object": "list", "data": data}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        headers = {BACKEND_HEADER: served_model}
        try:
            body = json.loads(await request.body())
        except json.JSONDecodeError:
            return error(400, "invalid JSON", headers)
        if body.get("model") != served_model:
            return error(404, f"The model `{body.get('model')}` does not exist.", headers)
        content = f"[{served_model}] answered: {last_user_text(body)}"
        if body.get("stream"):
            return StreamingResponse(
                sse_chunks(served_model, content, body),
                media_type="text/event-stream",
                headers=headers,
            )
        return JSONResponse(completion(served_model, content, body), headers=headers)

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def anything(path: str, request: Request) -> JSONResponse:
        """Other paths answer with what arrived, to show that the router passed them through."""
        raw = await request.body()
        return JSONResponse(
            {"path": "/" + path, "method": request.method, "body": raw.decode("utf-8", "replace")},
            headers={BACKEND_HEADER: served_model},
        )

    return app


def error(status: int, message: str, headers: dict[str, str]) -> JSONResponse:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": status}}
    return JSONResponse(body, status_code=status, headers=headers)


def last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            return content if isinstance(content, str) else json.dumps(content)
    return ""


def usage(body: dict[str, Any], content: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages") or [])
    completion_tokens = len(content.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + completion_tokens,
    }


def completion(model: str, content: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": usage(body, content),
        "router_echo": body,
    }


async def sse_chunks(model: str, content: str, body: dict[str, Any]) -> AsyncIterator[bytes]:
    ident = f"chatcmpl-{uuid.uuid4().hex[:12]}"
    base = {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    words = content.split(" ")
    first = {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}
    first["router_echo"] = body
    yield f"data: {json.dumps(first)}\n\n".encode()
    for i, word in enumerate(words):
        piece = word if i == 0 else " " + word
        chunk = {
            **base,
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        yield f"data: {json.dumps(chunk)}\n\n".encode()
        await asyncio.sleep(0)
    last = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    if (body.get("stream_options") or {}).get("include_usage"):
        last["usage"] = usage(body, content)
    yield f"data: {json.dumps(last)}\n\n".encode()
    yield b"data: [DONE]\n\n"


async def serve(models: dict[str, int], host: str = "127.0.0.1") -> None:
    import uvicorn

    servers = [
        uvicorn.Server(uvicorn.Config(create_app(name), host=host, port=port, log_level="warning"))
        for name, port in models.items()
    ]
    await asyncio.gather(*(server.serve() for server in servers))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stack.fake_backend", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--serve",
        action="append",
        required=True,
        metavar="MODEL=PORT",
        help="serve MODEL on 127.0.0.1:PORT (repeatable)",
    )
    args = parser.parse_args(argv)
    models = {}
    for item in args.serve:
        name, _, port = item.rpartition("=")
        models[name] = int(port)
    asyncio.run(serve(models, args.host))


if __name__ == "__main__":
    main()

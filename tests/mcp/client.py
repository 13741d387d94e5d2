"""A session with `showrunner mcp` through the official MCP Python SDK's stdio client.

Usage: python3 client.py <showrunner binary> <studio folder>

Initializes, lists the tools, calls dispatch, tu_open, tu_checkpoint and gate_submit
(a pass), reads the status resource, and is refused a call the role may not make.
Exits non-zero, naming what failed, on any surprise.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def get(obj, snake, camel):
    """An attribute by its SDK 2 (snake_case) or SDK 1 (camelCase) name."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def sc(result):
    """A tool result's structured content."""
    return get(result, "structured_content", "structuredContent")


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


async def session(binary, studio):
    env = dict(os.environ)
    env.update(
        {
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Agent",
            "GIT_AUTHOR_EMAIL": "agent@example.invalid",
            "GIT_COMMITTER_NAME": "Agent",
            "GIT_COMMITTER_EMAIL": "agent@example.invalid",
        }
    )
    params = StdioServerParameters(command=binary, args=["mcp", "--as", "SR"], cwd=studio, env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            init = await s.initialize()
            check(get(init, "server_info", "serverInfo").name == "showrunner", f"server: {init}")

            tools = {t.name: t for t in (await s.list_tools()).tools}
            for name in ["dispatch", "tu_open", "tu_checkpoint", "gate_submit", "merge", "hook_new"]:
                check(name in tools, f"tool {name} listed: {sorted(tools)}")
            schema = get(tools["tu_open"], "input_schema", "inputSchema")
            check(schema.get("required") == ["loop", "title"], f"tu_open schema: {schema}")

            r = await s.call_tool("dispatch", {"request": "Can you flesh out why the Wick Guild boils marsh mud into oil?"})
            check(not get(r, "is_error", "isError"), f"dispatch: {r.content}")
            check(sc(r)["result"]["loop"] == "lore_deepening", f"dispatch loop: {sc(r)}")

            r = await s.call_tool("tu_open", {"loop": "scene_forge", "title": "The mudbank humming"})
            check(not get(r, "is_error", "isError"), f"tu_open: {r.content}")
            tu = sc(r)["result"]["id"]

            path = os.path.join(studio, "sections", "mudbank.md")
            with open(path, "a", encoding="utf-8") as f:
                f.write("\nSomething hums under the mud.\n")
            steps = ["scope_scenes", "shape_choices", "draft_prose", "check_canon"]
            r = await s.call_tool(
                "tu_checkpoint", {"tu": tu, "message": "Mudbank: the humming", "steps": steps, "all": True}
            )
            check(not get(r, "is_error", "isError"), f"tu_checkpoint: {r.content}")

            r = await s.call_tool("gate_submit", {"tu": tu})
            check(not get(r, "is_error", "isError"), f"gate_submit: {r.content}")
            check(sc(r)["result"]["decision"] == "pass", f"gate verdict: {sc(r)}")
            check(sc(r)["result"]["state"] == "gatecheck", f"TU state: {sc(r)}")

            resources = {str(x.uri) for x in (await s.list_resources()).resources}
            check("showrunner://status" in resources, f"resources: {resources}")
            got = await s.read_resource("showrunner://status")
            status = json.loads(got.contents[0].text)
            check(status["open"]["gatecheck"][0]["id"] == tu, f"status resource: {status['open']}")

            r = await s.call_tool("role_wake", {"from": "SS", "role": "IL", "tu": tu, "reason": "pictures"})
            check(get(r, "is_error", "isError"), f"a scene smith waking a role is refused: {r.content}")
            check("not_authorized" in r.content[0].text, f"refusal: {r.content}")
    print(f"mcp session ok: {tu} submitted and passed")


if __name__ == "__main__":
    asyncio.run(session(sys.argv[1], sys.argv[2]))

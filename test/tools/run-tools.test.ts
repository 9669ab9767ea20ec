import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import * as z from "zod";
import { defineTool, LLMResponseStatus, type RunnableTool } from "../../src/index.js";
import { clientFor } from "../helpers/client.js";
import { completion, delayed, hang, json } from "../helpers/handlers.js";
import { chunk, frame, sse } from "../helpers/sse.js";
import { type TestServer, useTestServer } from "../helpers/test-server.js";

/** A chat.completion that calls tools: [id, name, arguments text] each. */
function calling(...calls: Array<[string, string, string]>) {
  const answer = completion(null, { usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 } });
  const choices = answer["choices"] as Array<Record<string, unknown>>;
  choices[0]!["message"] = {
    role: "assistant",
    content: null,
    tool_calls: calls.map(([id, name, args]) => ({
      id,
      type: "function",
      function: { name, arguments: args },
    })),
  };
  choices[0]!["finish_reason"] = "tool_calls";
  return json(200, answer);
}
const final = (text: string) =>
  json(200, completion(text, { usage: { prompt_tokens: 80, completion_tokens: 5, total_tokens: 85 } }));
const ask = [{ role: "user" as const, content: "What's on 2026-12-03 in Oslo?" }];

const weather: RunnableTool<{ city: string }> = {
  name: "weather",
  description: "Weather in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  execute: ({ city }) => ({ city, sky: "snow" }),
};
const agenda: RunnableTool<{ date: string }> = {
  name: "agenda",
  parameters: {
    type: "object",
    properties: { date: { type: "string", format: "date" } },
    required: ["date"],
  },
  execute: ({ date }) => `nothing planned on ${date}`,
};

/** `weather`, remembering whether it was run. */
function trackedWeather(): { tool: RunnableTool<{ city: string }>; ran: boolean } {
  const tracked = {
    ran: false,
    tool: {
      ...weather,
      execute: (args: { city: string }) => {
        tracked.ran = true;
        return args;
      },
    },
  };
  return tracked;
}

/** The tool messages the n-th request carried. */
function toolResults(server: TestServer, index: number): Array<[string, string]> {
  const messages = (
    server.requests[index]!.body as {
      messages: Array<{ role: string; tool_call_id?: string; content: string }>;
    }
  ).messages;
  return messages
    .filter((message) => message.role === "tool")
    .map((message) => [message.tool_call_id!, message.content]);
}

describe("run_tools: the tool loop", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("runs the calls, sends the results back, ends with the answer; usage summed, messages ready to continue", async () => {
    server.script(calling(["call_1", "weather", '{"city":"Oslo"}']), final("Snow in Oslo."));
    const llm = clientFor(server);
    const run = await llm.run_tools(ask, { tools: [weather, agenda] });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.equal(run.content, "Snow in Oslo.");
    assert.deepStrictEqual(toolResults(server, 1), [["call_1", '{"city":"Oslo","sky":"snow"}']]);
    const sentTools = (server.requests[0]!.body as { tools: Array<{ function: { name: string } }> }).tools;
    assert.deepStrictEqual(
      sentTools.map((tool) => tool.function.name),
      ["weather", "agenda"],
    );
    assert.deepStrictEqual(
      [run.usage.model_calls, run.usage.send_tokens, run.usage.recv_tokens, run.usage.total_tokens],
      [2, 130, 15, 145],
    );
    assert.equal(run.steps.length, 2);
    const stepCost = run.steps.reduce((sum, step) => sum + (step.response.cost ?? 0), 0);
    assert.ok(stepCost > 0 && Math.abs((run.usage.cost ?? 0) - stepCost) < 1e-12, "cost summed");
    assert.deepStrictEqual(run.steps[0]!.tool_calls[0]!.arguments, { city: "Oslo" });
    assert.deepStrictEqual(
      run.messages.map((message) => message.role),
      ["user", "assistant", "tool", "assistant"],
    );
    server.script(final("Still snow."));
    const next = await llm.chat_completions([...run.messages, { role: "user", content: "And tomorrow?" }]);
    assert.equal(next.content, "Still snow.");
  });

  it("parallel calls run concurrently and their results go back in call order", async () => {
    const started: number[] = [];
    const slow: RunnableTool<{ ms: number }> = {
      name: "slow",
      parameters: { type: "object", properties: { ms: { type: "number" } } },
      execute: async ({ ms }) => {
        started.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, ms));
        return `waited ${ms}`;
      },
    };
    server.script(
      calling(["a", "slow", '{"ms":150}'], ["b", "slow", '{"ms":10}'], ["c", "slow", '{"ms":50}']),
      final("done"),
    );
    const run = await clientFor(server).run_tools(ask, { tools: [slow] });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.deepStrictEqual(toolResults(server, 1), [
      ["a", "waited 150"],
      ["b", "waited 10"],
      ["c", "waited 50"],
    ]);
    assert.ok(Math.max(...started) - Math.min(...started) < 100, "all three started together");
  });

  it("invalid JSON, a schema violation, an unknown tool and a throwing tool become error results; the run goes on", async () => {
    const failing: RunnableTool = {
      name: "failing",
      execute: () => {
        throw new Error(`backend refused key ${"sk-test-SECRET-0123456789"}`);
      },
    };
    server.script(
      calling(
        ["c1", "weather", '{"city": "Os'],
        ["c2", "agenda", '{"date":"tomorrow"}'],
        ["c3", "teleport", "{}"],
        ["c4", "failing", "{}"],
      ),
      calling(["c5", "agenda", '{"date":"2026-12-03"}']),
      final("Nothing planned."),
    );
    const run = await clientFor(server).run_tools(ask, { tools: [weather, agenda, failing] });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    const [first, second] = [toolResults(server, 1), toolResults(server, 2)];
    assert.match(first[0]![1], /^Error: arguments are not valid JSON: .*; nothing was run$/);
    assert.equal(
      first[1]![1],
      'Error: invalid arguments, nothing was run: arguments.date: String does not match format "date".',
    );
    assert.equal(first[2]![1], 'Error: unknown tool "teleport"; the tools are: weather, agenda, failing');
    assert.equal(first[3]![1], "Error: backend refused key [redacted]");
    assert.deepStrictEqual(second.at(-1), ["c5", "nothing planned on 2026-12-03"]);
    const sent = (server.requests[1]!.body as { messages: Array<{ role: string }> }).messages;
    assert.equal(sent.filter((message) => message.role === "tool").length, 4);
  });

  it("a Standard Schema (zod 4) is sent as JSON Schema, validates, and types the arguments", async () => {
    const booking = defineTool({
      name: "book",
      parameters: z.object({ seats: z.number().int().min(1), name: z.string() }),
      execute: (args) => `booked ${args.seats} for ${args.name}`,
    });
    server.script(
      calling(["z1", "book", '{"seats":0,"name":"Ada"}']),
      calling(["z2", "book", '{"seats":2,"name":"Ada"}']),
      final("Booked."),
    );
    const run = await clientFor(server).run_tools(ask, { tools: [booking] });
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    const wire = (
      server.requests[0]!.body as { tools: Array<{ function: { parameters: Record<string, unknown> } }> }
    ).tools[0]!.function.parameters;
    assert.equal(wire["type"], "object");
    assert.equal(wire["$schema"], undefined);
    assert.match(
      toolResults(server, 1)[0]![1],
      /^Error: invalid arguments, nothing was run: arguments\.seats: Too small/,
    );
    assert.deepStrictEqual(toolResults(server, 2).at(-1), ["z2", "booked 2 for Ada"]);
  });

  it("a tool past its timeout, and a refused call, become error results", async () => {
    const stuck: RunnableTool = { name: "stuck", timeout: 0.2, execute: () => new Promise(() => {}) };
    server.script(calling(["t1", "stuck", "{}"], ["t2", "weather", '{"city":"Oslo"}']), final("ok"));
    const run = await clientFor(server).run_tools(ask, {
      tools: [stuck, weather],
      approve: (call) => (call.tool.name === "weather" ? "weather lookups are off today" : true),
    });
    assert.deepStrictEqual(toolResults(server, 1), [
      ["t1", "Error: timed out after 0.2 s"],
      ["t2", "Error: the call was refused: weather lookups are off today"],
    ]);
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
  });

  it("max_steps ends a run whose model keeps calling tools", async () => {
    server.script(calling(["m", "weather", '{"city":"Oslo"}']));
    const run = await clientFor(server).run_tools(ask, { tools: [weather], max_steps: 3 });
    assert.equal(run.status, LLMResponseStatus.ERROR);
    assert.equal(run.error?.kind, "max_steps");
    assert.equal(server.requests.length, 3);
  });

  it("aborting while a tool runs reaches it through its signal and ends the run promptly", async () => {
    let sawAbort = false;
    const long: RunnableTool = {
      name: "long",
      execute: (_args, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve("stopped");
          });
        }),
    };
    server.script(calling(["l1", "long", "{}"]), final("never"));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const run = await clientFor(server).run_tools(ask, {
      tools: [long],
      signal: controller.signal,
      tool_timeout: 30,
    });
    assert.equal(run.error?.kind, "aborted");
    assert.ok(sawAbort, "the tool saw the abort");
    assert.ok(Date.now() - started < 2000);
    assert.equal(server.requests.length, 1, "no model call after the abort");
  });

  it("a run aborted before a tool starts (here, while approve decides) does not run the tool", async () => {
    server.script(calling(["a1", "weather", '{"city":"Oslo"}']), final("never asked"));
    const controller = new AbortController();
    const tracked = trackedWeather();
    const run = await clientFor(server).run_tools(ask, {
      tools: [tracked.tool],
      signal: controller.signal,
      approve: () => {
        controller.abort();
        return true;
      },
    });
    assert.equal(tracked.ran, false);
    assert.equal(run.error?.kind, "aborted");
    assert.equal(run.steps[0]?.tool_calls[0]?.result, "Error: the run was aborted; nothing was run");
    assert.equal(server.requests.length, 1);
  });

  it("options the model call does not check are checked before anything is sent", async () => {
    server.script(final("never asked"));
    const llm = clientFor(server);
    const refusals: Array<[Parameters<typeof llm.run_tools>[1], string]> = [
      [{ tools: [] }, "Invalid argument tools: run_tools needs at least one tool"],
      [{ tools: [weather], max_steps: 0 }, "Invalid argument max_steps: must be a positive integer (got 0)"],
      [
        { tools: [weather], tool_concurrency: 1.5 },
        "Invalid argument tool_concurrency: must be a positive integer (got 1.5)",
      ],
      [
        { tools: [weather], tool_timeout: -5 },
        "Invalid argument tool_timeout: must be a positive number of seconds, or Infinity for none (got -5)",
      ],
      [
        { tools: [{ ...weather, timeout: 0 }] },
        "Invalid argument tools[0].timeout: must be a positive number of seconds, or Infinity for none (got 0)",
      ],
      [
        { tools: [{ ...weather, timout: 5 } as never] },
        'Invalid argument tools[0].timout: is not a field of a tool (did you mean "timeout"?); the fields are name, description, parameters, execute, timeout, mcp',
      ],
      [{ tools: [{ name: "w" } as never] }, "Invalid argument tools[0].execute: must be a function"],
    ];
    for (const [options, message] of refusals)
      await assert.rejects(llm.run_tools(ask, options), { name: "InvalidArgumentError", message });
    assert.equal(server.requests.length, 0);
    // Infinity is no limit, as for the call's timeouts.
    const run = await llm.run_tools(ask, { tools: [{ ...weather, timeout: Number.POSITIVE_INFINITY }] });
    assert.equal(run.content, "never asked");
  });

  it("total_timeout bounds the whole run, a model call included", async () => {
    server.script(calling(["d1", "weather", '{"city":"Oslo"}']), delayed(5000, final("late")), hang());
    const run = await clientFor(server, { timeout: 30 }).run_tools(ask, {
      tools: [weather],
      total_timeout: 0.5,
    });
    assert.equal(run.status, LLMResponseStatus.ERROR);
    assert.equal(run.error?.kind, "timeout");
  });
});

/** A streamed tool-call delta for `weather` (Oslo). */
const toolDelta = (id: string) => ({
  tool_calls: [
    { index: 0, id, type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
  ],
});

describe("stream_run_tools: the streaming form", () => {
  let server: TestServer;
  useTestServer((started) => {
    server = started;
  });

  it("passes each step's parts on, adds tool-start and tool-result, and resolves the same result", async () => {
    const toolDelta = {
      tool_calls: [
        { index: 0, id: "s1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
      ],
    };
    server.script(
      sse(
        frame([
          chunk(toolDelta),
          chunk({}, "tool_calls"),
          { ...chunk({}), choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } },
        ]),
      ),
      sse(frame([chunk({ content: "Snow " }), chunk({ content: "in Oslo." }), chunk({}, "stop")])),
    );
    const stream = clientFor(server).stream_run_tools(ask, { tools: [weather] });
    const parts: string[] = [];
    for await (const part of stream)
      parts.push(part.type === "tool-result" ? `tool-result:${part.record.result}` : part.type);
    const run = await stream.result;
    assert.deepStrictEqual(parts, [
      "tool-call",
      "finish",
      "tool-start",
      'tool-result:{"city":"Oslo","sky":"snow"}',
      "text-delta",
      "text-delta",
      "finish",
    ]);
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.equal(run.content, "Snow in Oslo.");
    assert.deepStrictEqual(toolResults(server, 1), [["s1", '{"city":"Oslo","sky":"snow"}']]);
  });

  it("for_each gives the same parts in order and resolves with the result", async () => {
    server.script(
      sse(frame([chunk(toolDelta("s1")), chunk({}, "tool_calls")])),
      sse(frame([chunk({ content: "Snow " }), chunk({ content: "in Oslo." }), chunk({}, "stop")])),
    );
    const stream = clientFor(server).stream_run_tools(ask, { tools: [weather] });
    const parts: string[] = [];
    const run = await stream.for_each((part) =>
      parts.push(part.type === "text-delta" ? `text:${part.text}` : part.type),
    );
    assert.deepStrictEqual(parts, [
      "tool-call",
      "finish",
      "tool-start",
      "tool-result",
      "text:Snow ",
      "text:in Oslo.",
      "finish",
    ]);
    assert.equal(run, await stream.result);
    assert.equal(run.status, LLMResponseStatus.SUCCESS);
    assert.equal(run.content, "Snow in Oslo.");
  });

  it("a for_each callback that throws aborts the run: a running tool's signal fires, no further model call", async () => {
    const both = {
      tool_calls: [
        { index: 0, id: "f1", type: "function", function: { name: "fast", arguments: "{}" } },
        { index: 1, id: "w1", type: "function", function: { name: "wait", arguments: "{}" } },
      ],
    };
    server.script(sse(frame([chunk(both), chunk({}, "tool_calls")])), final("never asked"));
    let waitSignal: AbortSignal | undefined;
    const fast: RunnableTool<Record<string, never>> = {
      name: "fast",
      parameters: {},
      execute: () => "quick",
    };
    const wait: RunnableTool<Record<string, never>> = {
      name: "wait",
      parameters: {},
      // Ends when its signal fires (or after 5 s): the run must not wait for it.
      execute: (_args, { signal }) => {
        waitSignal = signal;
        return new Promise((resolve) => {
          const timer = setTimeout(() => resolve("finished"), 5000);
          signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
        });
      },
    };
    const stream = clientFor(server).stream_run_tools(ask, { tools: [fast, wait] });
    const seen: string[] = [];
    const failure = new Error("the UI went away");
    await assert.rejects(
      stream.for_each((part) => {
        seen.push(part.type === "tool-result" ? `tool-result:${part.record.result}` : part.type);
        if (part.type === "tool-result") throw failure;
      }),
      (error) => error === failure,
    );
    assert.deepStrictEqual(seen, [
      "tool-call",
      "tool-call",
      "finish",
      "tool-start",
      "tool-start",
      "tool-result:quick",
    ]);
    assert.equal(waitSignal?.aborted, true);
    const run = await stream.result;
    assert.equal(run.status, LLMResponseStatus.ERROR);
    assert.equal(run.error?.kind, "aborted");
    assert.equal(run.steps[0]?.tool_calls[1]?.result, "Error: the run was aborted");
    assert.equal(server.requests.length, 1, "no model call after the abort");
  });

  it("a for_each callback that throws before a tool starts: the tool is not run", async () => {
    server.script(sse(frame([chunk(toolDelta("s1")), chunk({}, "tool_calls")])), final("never asked"));
    const tracked = trackedWeather();
    const stream = clientFor(server).stream_run_tools(ask, { tools: [tracked.tool] });
    await assert.rejects(
      stream.for_each((part) => {
        if (part.type === "tool-start") throw new Error("stop");
      }),
      { message: "stop" },
    );
    const run = await stream.result;
    assert.equal(tracked.ran, false);
    assert.equal(run.error?.kind, "aborted");
    assert.equal(run.steps[0]?.tool_calls[0]?.result, "Error: the run was aborted; nothing was run");
  });

  it("a for_each callback whose promise rejects aborts the run as a throw does", async () => {
    server.script(sse(frame([chunk(toolDelta("s1")), chunk({}, "tool_calls")])), final("never asked"));
    const tracked = trackedWeather();
    const stream = clientFor(server).stream_run_tools(ask, { tools: [tracked.tool] });
    const failure = new Error("could not forward the part");
    await assert.rejects(
      stream.for_each(async (part) => {
        if (part.type === "tool-call") throw failure;
      }),
      (error) => error === failure,
    );
    const run = await stream.result;
    assert.equal(run.error?.kind, "aborted");
    assert.equal(tracked.ran, false, "the run was aborted before its tool started");
    assert.equal(server.requests.length, 1);
  });

  it("is read once: a second reader gets a TypeError; for_each needs a function", async () => {
    server.script(sse(frame([chunk({ content: "hi" }), chunk({}, "stop")])));
    const stream = clientFor(server).stream_run_tools(ask, { tools: [weather] });
    assert.throws(() => stream.for_each("no" as never), { name: "InvalidArgumentError" });
    const run = await stream.for_each(() => {});
    assert.throws(() => stream[Symbol.asyncIterator](), {
      name: "TypeError",
      message: "a ToolRunStream can be read only once",
    });
    assert.throws(() => stream.for_each(() => {}), TypeError);
    assert.equal(run.content, "hi");
  });

  it("invalid arguments: for await throws the InvalidArgumentError, result rejects with it", async () => {
    server.script(final("never asked"));
    const stream = clientFor(server).stream_run_tools(ask, { tools: [] });
    await assert.rejects(
      async () => {
        for await (const _part of stream) assert.fail("no part is given");
      },
      { name: "InvalidArgumentError", message: /run_tools needs at least one tool/ },
    );
    await assert.rejects(stream.result, { name: "InvalidArgumentError" });
    const again = clientFor(server).stream_run_tools(ask, { tools: [], max_steps: 0 });
    await assert.rejects(
      again.for_each(() => {}),
      { name: "InvalidArgumentError" },
    );
    assert.equal(server.requests.length, 0);
  });

  it("a long-lived caller signal keeps no listener once a streamed run ends", async () => {
    server.script(sse(frame([chunk({ content: "hi" }), chunk({}, "stop")])));
    const controller = new AbortController();
    const llm = clientFor(server);
    for (let index = 0; index < 3; index += 1) {
      const run = await llm
        .stream_run_tools(ask, { tools: [weather], signal: controller.signal })
        .for_each(() => {});
      assert.equal(run.content, "hi");
    }
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  });

  it("the caller's signal still aborts a run read with for_each", async () => {
    server.script(hang());
    const controller = new AbortController();
    const stream = clientFor(server).stream_run_tools(ask, { tools: [weather], signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const run = await stream.for_each(() => {});
    assert.equal(run.error?.kind, "aborted");
    assert.equal(run.error?.message, "request aborted by the caller");
  });
});

// Runs worker.mjs under V8's precise coverage (call counts per function) and writes the coverage to
// the file named by COVERAGE_OUT when the worker exits. Used by run-coverage.mjs.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
await post("Profiler.enable");
await post("Profiler.startPreciseCoverage", { callCount: true, detailed: false });
const exit = process.exit;
process.exit = (code) => {
  session.post("Profiler.takePreciseCoverage", (error, taken) => {
    if (!error) writeFileSync(process.env.COVERAGE_OUT, JSON.stringify(taken.result));
    exit(code);
  });
};
await import("./worker.mjs");

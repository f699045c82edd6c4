// A client for build/bin/tpake-driver: one JSON request per line in, one
// answer per line out (docs/tpake-driver.md).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export const b64 = (x) =>
  Buffer.from(typeof x === "string" ? Buffer.from(x, "utf8") : x).toString("base64url");
export const unb64 = (s) => Buffer.from(s, "base64url");

export class Driver {
  constructor(path) {
    this.proc = spawn(path, [], { stdio: ["pipe", "pipe", "inherit"] });
    this.waiting = [];
    this.nextId = 1;
    createInterface({ input: this.proc.stdout }).on("line", (line) => {
      const w = this.waiting.shift();
      if (w) w(JSON.parse(line));
    });
  }
  // Returns the driver's answer object: {ok, result} or {ok:false, code, error, blame}.
  call(fn, params = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.push((ans) => {
        if (ans.id !== id) reject(new Error(`answer id ${ans.id}, want ${id}`));
        else resolve(ans);
      });
      this.proc.stdin.write(JSON.stringify({ id, fn, params }) + "\n");
    });
  }
  // Like call, but throws unless ok.
  async ok(fn, params = {}) {
    const a = await this.call(fn, params);
    if (!a.ok) throw new Error(`${fn}: ${a.code} ${a.error}`);
    return a.result;
  }
  close() {
    this.proc.stdin.end();
    return new Promise((resolve) => this.proc.on("close", resolve));
  }
}

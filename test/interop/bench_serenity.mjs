// Server-side throughput of @serenity-kit/opaque 1.1.0 (opaque-ke in WASM),
// single thread, the peer figure for tpake's benchmark (notes: baselines
// section 2). Records are prepared with the cheapest KSF the library
// accepts; only the server calls are timed. Prints a table and, last,
// SERENITY_LOGIN_OPS=<server startLogin + finishLogin per second>.
import * as opaque from "@serenity-kit/opaque";

const USERS = Number(process.env.SERENITY_BENCH_USERS || 100);
const ROUNDS = Number(process.env.SERENITY_BENCH_ROUNDS || 5);
const keyStretching = { "argon2id-custom": { iterations: 1, memory: 8, parallelism: 1 } };

await opaque.ready;
const serverSetup = opaque.server.createSetup();
const ns = () => process.hrtime.bigint();
const users = [];
let tReg = 0n;
for (let i = 0; i < USERS; i++) {
  const userIdentifier = `bench-user-${i}`;
  const password = `password-${i}`;
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
  const t0 = ns();
  const { registrationResponse } = opaque.server.createRegistrationResponse({
    serverSetup, userIdentifier, registrationRequest,
  });
  tReg += ns() - t0;
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState, registrationResponse, password, keyStretching,
  });
  users.push({ userIdentifier, password, registrationRecord });
}

// Median over rounds of the per-round mean of each server call.
const start = [], finish = [];
for (let r = 0; r < ROUNDS; r++) {
  let ts = 0n, tf = 0n;
  for (const u of users) {
    const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password: u.password });
    let t0 = ns();
    const { serverLoginState, loginResponse } = opaque.server.startLogin({
      serverSetup, userIdentifier: u.userIdentifier, registrationRecord: u.registrationRecord, startLoginRequest,
    });
    ts += ns() - t0;
    const cl = opaque.client.finishLogin({ clientLoginState, loginResponse, password: u.password, keyStretching });
    if (!cl) throw new Error("login failed");
    t0 = ns();
    const sv = opaque.server.finishLogin({ serverLoginState, finishLoginRequest: cl.finishLoginRequest });
    tf += ns() - t0;
    if (sv.sessionKey !== cl.sessionKey) throw new Error("session keys differ");
  }
  start.push(Number(ts) / 1e3 / USERS);
  finish.push(Number(tf) / 1e3 / USERS);
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const us = {
  createRegistrationResponse: Number(tReg) / 1e3 / USERS,
  startLogin: median(start),
  finishLogin: median(finish),
};
us.login = us.startLogin + us.finishLogin;
console.log(`@serenity-kit/opaque 1.1.0 server side, ${USERS} users x ${ROUNDS} rounds, single thread`);
for (const [k, v] of Object.entries(us)) {
  console.log(`  ${("server." + k).padEnd(36)} ${(1e6 / v).toFixed(0).padStart(12)} ops/s ${v.toFixed(1).padStart(10)} us`);
}
console.log(`SERENITY_LOGIN_OPS=${(1e6 / us.login).toFixed(0)}`);

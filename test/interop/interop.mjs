// Interop of tpake (t = n = 1, RFC 9807) with @serenity-kit/opaque 1.1.0 in
// both directions: our client against its server and its client against
// our server, for registration and login, with and without identifiers.
// Session and export keys must be equal; a wrong password and an unknown
// user must fail on both sides. The KSF is Argon2id t=3, m=64 MiB, p=1 on
// both sides (serenity's argon2id-custom equals libsodium crypto_pwhash).
//
// usage: node interop.mjs path/to/tpake-driver
import { randomBytes } from "node:crypto";
import * as opaque from "@serenity-kit/opaque";
import { Driver, b64 } from "./driver.mjs";

const driverPath = process.argv[2];
if (!driverPath) {
  console.error("usage: node interop.mjs path/to/tpake-driver");
  process.exit(2);
}

const keyStretching = { "argon2id-custom": { iterations: 3, memory: 65536, parallelism: 1 } };
const ksf = { alg: "argon2id", iterations: 3, memory_kib: 65536 };
const PASSWORD = "correct horse battery staple";

let failures = 0;
let checks = 0;
function check(cond, what) {
  checks++;
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}`);
  }
}

// Serenity returns undefined or throws on failure, depending on the call.
function fails(f) {
  try {
    return f() === undefined;
  } catch {
    return true;
  }
}

// Our client, serenity's server.
async function ourClientTheirServer(d, ids) {
  const tag = ids ? "with identifiers" : "without identifiers";
  const serverSetup = opaque.server.createSetup();
  const serverPk = opaque.server.getPublicKey(serverSetup);
  const userIdentifier = "user-" + randomBytes(4).toString("hex");
  const idParams = ids ? { client_id: b64(ids.client), server_id: b64(ids.server) } : {};
  const identifiers = ids ? { client: ids.client, server: ids.server } : undefined;

  const rs = await d.ok("client.register_start", { password: b64(PASSWORD) });
  const { registrationResponse } = opaque.server.createRegistrationResponse({
    serverSetup, userIdentifier, registrationRequest: rs.request,
  });
  const reg = await d.ok("client.register_finish", {
    state: rs.state, response: registrationResponse, ksf, ...idParams,
  });
  check(reg.server_pk === serverPk, `C->S ${tag}: registration sees serenity's server key`);

  async function login(password, record) {
    const ls = await d.ok("client.login_start", { password: b64(password) });
    const sv = opaque.server.startLogin({
      serverSetup, userIdentifier, registrationRecord: record,
      startLoginRequest: ls.ke1, identifiers,
    });
    const fin = await d.call("client.login_finish", {
      state: ls.state, t: 1, n: 1, user_id: b64(userIdentifier), ksf,
      client_id: idParams.client_id, context: "",
      replies: [{ index: 1, ke2: sv.loginResponse, server_id: idParams.server_id }],
    });
    if (!fin.ok) await d.call("state.free", { state: ls.state });
    return { sv, fin, ke2: sv.loginResponse };
  }

  const good = await login(PASSWORD, reg.record);
  check(good.fin.ok, `C->S ${tag}: our client accepts serenity's KE2`);
  if (good.fin.ok) {
    const r = good.fin.result;
    const sk = opaque.server.finishLogin({
      serverLoginState: good.sv.serverLoginState, finishLoginRequest: r.servers[0].ke3, identifiers,
    });
    check(sk && sk.sessionKey === r.servers[0].session_key, `C->S ${tag}: session keys equal`);
    check(r.export_key === reg.export_key, `C->S ${tag}: export key equals registration's`);
    check(r.servers[0].server_pk === serverPk, `C->S ${tag}: server key recovered from the envelope`);
  }

  const bad = await login("wrong " + PASSWORD, reg.record);
  check(!bad.fin.ok && bad.fin.code === 304, `C->S ${tag}: wrong password rejected by our client`);
  check(fails(() => opaque.server.finishLogin({
    serverLoginState: bad.sv.serverLoginState,
    finishLoginRequest: b64(randomBytes(64)), identifiers,
  })), `C->S ${tag}: serenity server rejects a KE3 without the password`);

  const unknown = await login(PASSWORD, null);
  check(unknown.ke2.length === good.ke2.length, `C->S ${tag}: unknown user's KE2 has the real size`);
  check(!unknown.fin.ok && unknown.fin.code === 304, `C->S ${tag}: unknown user rejected by our client`);
  check(fails(() => opaque.server.finishLogin({
    serverLoginState: unknown.sv.serverLoginState,
    finishLoginRequest: b64(randomBytes(64)), identifiers,
  })), `C->S ${tag}: serenity server rejects a KE3 for an unknown user`);
}

// Serenity's client, our server.
async function theirClientOurServer(d, ids) {
  const tag = ids ? "with identifiers" : "without identifiers";
  const key = await d.ok("server.key_generate");
  const oprfSeed = b64(randomBytes(64));
  const userIdentifier = "user-" + randomBytes(4).toString("hex");
  const uid = b64(userIdentifier);
  const idParams = ids ? { client_id: b64(ids.client), server_id: b64(ids.server) } : {};
  const identifiers = ids ? { client: ids.client, server: ids.server } : undefined;

  const { clientRegistrationState, registrationRequest } =
    opaque.client.startRegistration({ password: PASSWORD });
  const resp = await d.ok("server.register_respond", {
    oprf_seed: oprfSeed, user_id: uid, server_pk: key.pk, request: registrationRequest,
  });
  const reg = opaque.client.finishRegistration({
    clientRegistrationState, registrationResponse: resp.response, password: PASSWORD,
    identifiers, keyStretching,
  });
  check(reg.serverStaticPublicKey === key.pk, `S->C ${tag}: serenity registration sees our server key`);
  const user = await d.ok("server.user_from_record", {
    oprf_seed: oprfSeed, user_id: uid, record: reg.registrationRecord,
  });

  async function login(password, u) {
    const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
    const sv = await d.ok("server.login_start", {
      server_sk: key.sk, server_pk: key.pk, user: u, user_id: uid,
      ke1: startLoginRequest, ...idParams,
    });
    let cl;
    try {
      cl = opaque.client.finishLogin({
        clientLoginState, loginResponse: sv.ke2, password, identifiers, keyStretching,
      });
    } catch {
      cl = undefined;
    }
    return { sv, cl };
  }

  const good = await login(PASSWORD, user.user);
  check(good.cl !== undefined, `S->C ${tag}: serenity client accepts our KE2`);
  if (good.cl) {
    const fin = await d.ok("server.login_finish", {
      state: good.sv.state, ke3: good.cl.finishLoginRequest,
    });
    check(fin.session_key === good.cl.sessionKey, `S->C ${tag}: session keys equal`);
    check(good.cl.exportKey === reg.exportKey, `S->C ${tag}: export key equals registration's`);
  }

  const bad = await login("wrong " + PASSWORD, user.user);
  check(bad.cl === undefined, `S->C ${tag}: wrong password rejected by serenity's client`);
  const badFin = await d.call("server.login_finish", { state: bad.sv.state, ke3: b64(randomBytes(64)) });
  check(!badFin.ok && badFin.code === 304, `S->C ${tag}: our server rejects a KE3 without the password`);

  const fake = await d.ok("server.user_fake", {
    seed: oprfSeed, user_id: b64("nobody-" + userIdentifier), index: 1, t: 1, n: 1,
  });
  const unknown = await login(PASSWORD, fake.user);
  check(unknown.sv.ke2.length === good.sv.ke2.length, `S->C ${tag}: unknown user's KE2 has the real size`);
  check(unknown.cl === undefined, `S->C ${tag}: unknown user rejected by serenity's client`);
  const unkFin = await d.call("server.login_finish", { state: unknown.sv.state, ke3: b64(randomBytes(64)) });
  check(!unkFin.ok && unkFin.code === 304, `S->C ${tag}: our server rejects a KE3 for an unknown user`);
}

// The driver's threshold path (no serenity peer exists for it): deal,
// accept, log in with the last t servers in reverse order, and check that a
// tampered proof is blamed by index through the JSON blame list.
async function driverThreshold(d, t, n) {
  const tag = `driver ${t}-of-${n}`;
  const idKsf = { alg: "identity" };
  const keys = [];
  for (let i = 0; i < n; i++) keys.push(await d.ok("server.key_generate"));
  const uid = b64("alice");
  const deal = await d.ok("client.register_deal", {
    password: b64(PASSWORD), t, n, ksf: idKsf,
    server_pks: keys.map((k) => k.pk),
    server_ids: keys.map((_, i) => (i === 0 ? b64("first-server") : null)),
  });
  const users = [];
  for (let i = 0; i < n; i++) {
    const acc = await d.ok("server.register_accept", { upload: deal.uploads[i], index: i + 1, t, n });
    check(acc.commit_hash === deal.commit_hash, `${tag}: server ${i + 1} accepts its share`);
    users.push(acc.user);
  }
  async function login(tamper) {
    const ls = await d.ok("client.login_start", { password: b64(PASSWORD) });
    const replies = [], states = [];
    for (let i = n; i > n - t; i--) {
      const sv = await d.ok("server.login_start", {
        server_sk: keys[i - 1].sk, server_pk: keys[i - 1].pk, user: users[i - 1],
        user_id: uid, ke1: ls.ke1, server_id: i === 1 ? b64("first-server") : undefined,
      });
      states.push(sv.state);
      replies.push({ index: i, ke2: sv.ke2, ext: sv.ext, server_id: i === 1 ? b64("first-server") : undefined });
    }
    if (tamper) {
      const ext = Buffer.from(replies[0].ext, "base64url");
      ext[40] ^= 1;
      replies[0].ext = b64(ext);
    }
    const fin = await d.call("client.login_finish", {
      state: ls.state, t, n, user_id: uid, ksf: idKsf, replies,
      server_pks: keys.map((k) => k.pk),
    });
    return { ls, fin, states, replies };
  }
  const good = await login(false);
  check(good.fin.ok && good.fin.result.servers.length === t, `${tag}: login gives ${t} session keys`);
  if (good.fin.ok) {
    check(good.fin.result.export_key === deal.export_key, `${tag}: export key equals registration's`);
    let same = true;
    for (let k = 0; k < t; k++) {
      const s = await d.ok("server.login_finish", { state: good.states[k], ke3: good.fin.result.servers[k].ke3 });
      same = same && s.session_key === good.fin.result.servers[k].session_key;
    }
    check(same, `${tag}: every server's session key matches the client's`);
  }
  const bad = await login(true);
  check(!bad.fin.ok && bad.fin.code === 307 && bad.fin.blame.length === 1 &&
    bad.fin.blame[0].index === n && bad.fin.blame[0].reason === 305,
    `${tag}: a bad proof is blamed on server ${n}`);
  await d.call("state.free", { state: bad.ls.state });
  for (const st of bad.states) await d.call("state.free", { state: st });
}

await opaque.ready;
const d = new Driver(driverPath);
const t0 = Date.now();
try {
  for (const ids of [undefined, { client: "alice@example.com", server: "keyserver.example" }]) {
    await ourClientTheirServer(d, ids);
    await theirClientOurServer(d, ids);
  }
  await driverThreshold(d, 2, 3);
  await driverThreshold(d, 3, 5);
} catch (e) {
  failures++;
  console.log(`FAIL exception: ${e.stack || e}`);
}
await d.close();
console.log(`interop: ${checks - failures}/${checks} checks passed in ${Date.now() - t0} ms`);
process.exit(failures === 0 && checks > 0 ? 0 : 1);

import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from './rig';

// Prototype pollution through the public surface (issue 8, finding 1): every encoding of a status
// callback and the passthru query, with __proto__ / constructor / prototype in keys and bracket paths.

let rig: Rig | undefined;
afterEach(async () => {
  for (const key of Object.keys(Object.prototype)) delete (Object.prototype as Record<string, unknown>)[key];
  await rig?.close();
  rig = undefined;
});

function placed(r: Rig, sid: string) {
  const a = r.calls.createAttempt({ number: '+919876543210', mode: 'flow', provider: 'sandbox' });
  r.calls.record(a.id, 'dialer', { type: 'dial_requested' });
  r.calls.record(a.id, 'api', { type: 'provider_accepted', providerSid: sid });
  return { id: a.id, sid };
}

/** Nothing reached Object.prototype: no own keys, and a fresh object sees none of the names we sent. */
function expectPrototypeClean(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  const probe = {} as Record<string, unknown>;
  for (const name of ['NODE_OPTIONS', 'x', 'polluted', 'CallSid']) expect(probe[name], name).toBeUndefined();
  expect(typeof probe.constructor).toBe('function');
}

async function expectRefused(res: Response, key: string): Promise<void> {
  expect(res.status).toBe(400);
  expect(await res.text()).toContain(`key "${key}" is not allowed`);
  expectPrototypeClean();
}

/** A normal callback after the hostile ones still drives the call. */
async function expectStillWorks(r: Rig): Promise<void> {
  const { id, sid } = placed(r, 'f'.repeat(32));
  const res = await fetch(r.urls.statusCallback, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ CallSid: sid, EventType: 'terminal', Status: 'completed', CustomField: id }),
  });
  expect(res.status).toBe(200);
  expect(r.calls.attempt(id)?.state).toBe('completed');
}

describe('public surface against prototype pollution', () => {
  it('refuses JSON callbacks whose keys reach a prototype', async () => {
    rig = await makeRig();
    const { id, sid } = placed(rig, 'a'.repeat(32));
    const post = (body: string) =>
      fetch(rig!.urls.statusCallback, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    const base = `"CallSid":"${sid}","Status":"completed","EventType":"terminal","CustomField":"${id}"`;
    await expectRefused(await post(`{"__proto__[NODE_OPTIONS]":"--import=data:x",${base}}`), '__proto__');
    await expectRefused(await post(`{"__proto__":{"polluted":"yes"},${base}}`), '__proto__');
    await expectRefused(await post(`{"constructor[prototype][x]":"1",${base}}`), 'constructor');
    await expectRefused(await post(`{"Legs":[{"prototype":{"x":1}}],${base}}`), 'prototype');
    // A refused callback records nothing.
    expect(rig.calls.attempt(id)?.state).toBe('dialing');
    await expectStillWorks(rig);
  });

  it('refuses url-encoded and multipart callbacks with such keys or bracket paths', async () => {
    rig = await makeRig();
    const { id, sid } = placed(rig, 'b'.repeat(32));
    const fields = { CallSid: sid, Status: 'completed', EventType: 'terminal', CustomField: id };
    const form = (extra: Record<string, string>) => new URLSearchParams({ ...fields, ...extra });
    const url = rig.urls.statusCallback;
    await expectRefused(
      await fetch(url, { method: 'POST', body: form({ '__proto__[x]': '1' }) }),
      '__proto__',
    );
    await expectRefused(
      await fetch(url, { method: 'POST', body: form({ 'Legs[0][__proto__][x]': '1' }) }),
      '__proto__',
    );
    await expectRefused(
      await fetch(url, { method: 'POST', body: new URLSearchParams(`__proto__=1&CallSid=${sid}`) }),
      '__proto__',
    );

    const multipart = new FormData();
    for (const [k, v] of Object.entries(fields)) multipart.append(k, v);
    multipart.append('__proto__[NODE_OPTIONS]', '--import=data:x');
    await expectRefused(await fetch(url, { method: 'POST', body: multipart }), '__proto__');
    const plain = new FormData();
    plain.append('constructor', 'x');
    plain.append('CallSid', sid);
    await expectRefused(await fetch(url, { method: 'POST', body: plain }), 'constructor');

    expect(rig.calls.attempt(id)?.state).toBe('dialing');
    await expectStillWorks(rig);
  });

  it('refuses a passthru whose query reaches a prototype', async () => {
    rig = await makeRig();
    const { id, sid } = placed(rig, 'c'.repeat(32));
    const q = `CallSid=${sid}&CustomField=${id}`;
    await expectRefused(await fetch(`${rig.urls.passthru}?__proto__%5Bx%5D=1&${q}`), '__proto__');
    await expectRefused(
      await fetch(`${rig.urls.passthru}?Stream%5Bconstructor%5D%5Bx%5D=1&${q}`),
      'constructor',
    );
    await expectRefused(
      await fetch(`${rig.urls.passthru}?${q}&Stream=${encodeURIComponent('{"__proto__":{"x":1}}')}`),
      '__proto__',
    );
    expect(rig.calls.attempt(id)?.state).toBe('dialing');
    const ok = await fetch(`${rig.urls.passthru}?${q}`, { redirect: 'manual' });
    expect(ok.status).toBe(200);
    expect(rig.calls.attempt(id)?.state).toBe('in_progress');
    await expectStillWorks(rig);
  });

  it('caps the number of fields and the nesting of a JSON body', async () => {
    rig = await makeRig();
    const url = rig.urls.statusCallback;
    const many = new URLSearchParams(Array.from({ length: 600 }, (_, i): [string, string] => [`f${i}`, 'v']));
    const wide = await fetch(url, { method: 'POST', body: many });
    expect(wide.status).toBe(400);
    expect(await wide.text()).toContain('more than 500 fields');
    const deep = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"CallSid":"x","Legs":${'['.repeat(4000)}${']'.repeat(4000)}}`,
    });
    expect(deep.status).toBe(400);
    expect(await deep.text()).toContain('nested deeper than');
    const brackets = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ CallSid: 'x', [`Legs${'[0]'.repeat(100)}`]: '1' }),
    });
    expect(brackets.status).toBe(400);
    await expectStillWorks(rig);
  });
});

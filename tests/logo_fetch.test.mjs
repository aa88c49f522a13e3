// The JavaScript half of logo fetching (src/api/qr/logo_fetch.js), run in Node against a
// local HTTP server: redirects are reported, not followed; bodies are capped; slow
// servers time out. (The worker refuses http:// and loopback logos before this runs,
// so these cases can only be reached here.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { logoHop } from "../src/api/qr/logo_fetch.js";

let server, base;
before(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case "/logo.png":
        res.writeHead(200, { "Content-Type": "image/png" });
        return res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      case "/moved":
        res.writeHead(302, { Location: "/logo.png" });
        return res.end("moved");
      case "/big":
        res.writeHead(200, { "Content-Type": "image/png", "Content-Length": 2000 });
        return res.end(Buffer.alloc(2000));
      case "/big-chunked":
        res.writeHead(200, { "Content-Type": "image/png" });
        res.write(Buffer.alloc(600));
        return res.end(Buffer.alloc(600));
      case "/slow":
        return setTimeout(() => res.end("late"), 1000);
      default:
        res.writeHead(404, { "Content-Type": "text/html" });
        return res.end("<h1>no</h1>");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test("a 200 answers its status, content type and bytes", async () => {
  const [status, location, type, bytes] = await logoHop(`${base}/logo.png`, 2000, 1000);
  assert.deepEqual([status, location, type], [200, "", "image/png"]);
  assert.deepEqual([...bytes], [0x89, 0x50, 0x4e, 0x47]);
});

test("a redirect is reported with its Location, not followed", async () => {
  const [status, location, , bytes] = await logoHop(`${base}/moved`, 2000, 1000);
  assert.deepEqual([status, location, bytes], [302, "/logo.png", null]);
});

test("other statuses come back without a body", async () => {
  const [status, , type, bytes] = await logoHop(`${base}/missing`, 2000, 1000);
  assert.deepEqual([status, type, bytes], [404, "text/html", null]);
});

test("a declared length past the cap is 413 without reading the body", async () => {
  const [status, , , bytes] = await logoHop(`${base}/big`, 2000, 1000);
  assert.deepEqual([status, bytes], [413, null]);
});

test("a body growing past the cap is abandoned as 413", async () => {
  const [status, , , bytes] = await logoHop(`${base}/big-chunked`, 2000, 1000);
  assert.deepEqual([status, bytes], [413, null]);
});

test("a slow server is aborted at the timeout", async () => {
  await assert.rejects(logoHop(`${base}/slow`, 100, 1000), (e) => e.name === "TimeoutError");
});

// Serves the built worker on 127.0.0.1:PORT (empty state, migrations
// applied) with one pro account, and prints `{"url","key"}` on one line once
// ready. Runs until SIGINT/SIGTERM. Used by the schemathesis run.
import { startWorker, ADMIN_TOKEN } from "./worker.mjs";

const port = Number(process.argv[2] ?? 8790);
const worker = await startWorker({ port });
const { key } = await worker.account("Fuzzer", "pro", { limits: { perMinute: null, perHour: null, maxLinks: null } });
console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, key, adminToken: ADMIN_TOKEN }));

const stop = async () => {
  await worker.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

// Settings: the plan with its limits and usage, API keys and members.
import { useEffect, useState } from "preact/hooks";
import { get } from "../api.js";
import { useSession, isOwner } from "../session.js";
import { formatNumber } from "../lib/format.js";
import { useTitle } from "../lib/title.js";
import { ApiKeys } from "./settings-keys.jsx";
import { Members } from "./settings-members.jsx";

export function Settings() {
  const { session } = useSession();
  const [account, setAccount] = useState({ data: null, error: null });
  const [reload, setReload] = useState(0);
  useTitle("Settings");

  useEffect(() => {
    get("/v1/account").then(
      (data) => setAccount({ data, error: null }),
      (error) => setAccount({ data: null, error }),
    );
  }, [reload]);

  const owner = isOwner(session);
  return (
    <section>
      <h1>Settings</h1>
      <nav aria-label="Settings sections" class="tabs">
        <a href="#plan">Plan and usage</a>
        <a href="#keys">API keys</a>
        <a href="#members">Members</a>
      </nav>
      <Plan account={account} />
      <ApiKeys owner={owner} onChange={() => setReload((n) => n + 1)} />
      <Members owner={owner} me={session.member} />
    </section>
  );
}

function Plan({ account }) {
  const { data, error } = account;
  return (
    <section class="card" id="plan" aria-labelledby="plan-title">
      <h2 id="plan-title">Plan and usage</h2>
      {error && (
        <div class="alert" role="alert">
          {error.message}
        </div>
      )}
      {!data && !error && <p class="muted">Loading…</p>}
      {data && (
        <>
          <p>
            <strong>{data.name}</strong> is on the <strong class="plan">{data.plan}</strong> plan.
          </p>
          <div class="usage">
            <Usage id="usage-links" label="Links" used={data.usage.links.used} max={data.usage.links.max} />
            <Usage id="usage-keys" label="Active API keys" used={data.usage.apiKeys.used} max={data.usage.apiKeys.max} />
            <Requests id="usage-minute" label="Requests this minute" window={data.usage.requests?.perMinute} />
            <Requests id="usage-hour" label="Requests this hour" window={data.usage.requests?.perHour} />
          </div>
          <table class="limits">
            <caption>Effective limits</caption>
            <tbody>
              <tr>
                <th scope="row">Requests per minute</th>
                <td>{limit(data.limits.perMinute)}</td>
              </tr>
              <tr>
                <th scope="row">Requests per hour</th>
                <td>{limit(data.limits.perHour)}</td>
              </tr>
              <tr>
                <th scope="row">Links</th>
                <td>{limit(data.limits.maxLinks)}</td>
              </tr>
              <tr>
                <th scope="row">Active API keys</th>
                <td>{limit(data.limits.maxApiKeys)}</td>
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

const limit = (n) => (n === null || n === undefined ? "Unlimited" : formatNumber(n));

/** A usage bar: a <meter> with its numbers spelled out next to it. */
function Usage({ id, label, used, max }) {
  return (
    <div class="meter-row">
      <label for={id}>{label}</label>
      {max === null ? (
        <span id={id} class="muted">
          {formatNumber(used)} (unlimited)
        </span>
      ) : (
        <>
          <meter id={id} min="0" max={max} value={used} high={max * 0.8} optimum={0}>
            {used} of {max}
          </meter>
          <span class="muted">
            {formatNumber(used)} of {formatNumber(max)}
          </span>
        </>
      )}
    </div>
  );
}

function Requests({ id, label, window }) {
  if (!window) return <Usage id={id} label={label} used={0} max={null} />;
  return <Usage id={id} label={label} used={window.limit - window.remaining} max={window.limit} />;
}

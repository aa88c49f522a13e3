// API keys: create with scopes (the secret shown once, with a copy button),
// list, revoke. Only owners manage keys.
import { useEffect, useState } from "preact/hooks";
import { get, post, del, seg } from "../api.js";
import { Field, FormError, useSubmit } from "../components/field.jsx";
import { CopyButton } from "../components/copy-button.jsx";
import { ConfirmDialog } from "../components/confirm.jsx";
import { toast } from "../components/toast.jsx";
import { formatDateTime } from "../lib/format.js";

const SCOPES = [
  ["links:read", "Read links"],
  ["links:write", "Create, change and delete links"],
  ["analytics:read", "Read analytics"],
  ["qr:write", "Render QR codes"],
  ["keys:manage", "Manage API keys"],
];

export function ApiKeys({ owner, onChange }) {
  const [keys, setKeys] = useState({ list: null, error: null });
  const [reload, setReload] = useState(0);
  const [created, setCreated] = useState(null);
  const [toRevoke, setToRevoke] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!owner) return;
    get("/v1/api-keys").then(
      (r) => setKeys({ list: r.apiKeys, error: null }),
      (error) => setKeys({ list: null, error }),
    );
  }, [reload, owner]);

  const changed = () => {
    setReload((n) => n + 1);
    onChange();
  };

  const revoke = async () => {
    setBusy(true);
    try {
      await del(`/v1/api-keys/${seg(toRevoke.id)}`);
      toast(`Revoked ${toRevoke.name}`);
      setToRevoke(null);
      changed();
    } catch (err) {
      toast(err.message, "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" id="keys" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      {!owner ? (
        <p>Only the account's owners manage API keys. Ask an owner for a key.</p>
      ) : (
        <>
          <p class="muted">
            Keys authenticate scripts and SDKs: <code>Authorization: Bearer sl_live_…</code>. See the <a href="/docs">API reference</a>.
          </p>
          {created && <NewSecret created={created} onDone={() => setCreated(null)} />}
          <CreateKey
            onCreated={(key) => {
              setCreated(key);
              changed();
            }}
          />
          {keys.error && (
            <div class="alert" role="alert">
              {keys.error.message}
            </div>
          )}
          {keys.list && keys.list.length === 0 && <p>No API keys yet.</p>}
          {keys.list && keys.list.length > 0 && (
            <table class="keys">
              <caption class="sr-only">Your API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.list.map((key) => (
                  <tr key={key.id}>
                    <td data-label="Name">{key.name}</td>
                    <td data-label="Key">
                      <code>{key.prefix}…</code>
                    </td>
                    <td data-label="Scopes">{key.scopes.join(", ")}</td>
                    <td data-label="Last used">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never"}</td>
                    <td data-label="Status">{key.active ? "Active" : `Revoked ${formatDateTime(key.revokedAt)}`}</td>
                    <td class="row-actions">
                      {key.active && (
                        <button type="button" class="link-button danger-text" onClick={() => setToRevoke(key)} aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <ConfirmDialog open={!!toRevoke} title="Revoke this key?" confirmLabel="Revoke key" busy={busy} onConfirm={revoke} onCancel={() => setToRevoke(null)}>
        {toRevoke && (
          <p>
            Requests with <strong>{toRevoke.name}</strong> (<code>{toRevoke.prefix}…</code>) are refused from now on. This cannot be undone.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function CreateKey({ onCreated }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState(SCOPES.filter(([s]) => s !== "keys:manage").map(([s]) => s));
  const toggle = (scope) => (e) => setScopes(e.currentTarget.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope));

  const { busy, errors, onSubmit } = useSubmit(async () => {
    if (scopes.length === 0) throw { field: "scopes", message: "Choose at least one scope." };
    const key = await post("/v1/api-keys", { name: name.trim(), scopes });
    setName("");
    onCreated(key);
  }, ["name", "scopes"]);

  return (
    <form class="create-key" onSubmit={onSubmit} noValidate>
      <h3>Create a key</h3>
      <FormError error={errors.form} />
      <Field id="key-name" label="Name" error={errors.name} hint="What uses it, e.g. “CI deploys”.">
        <input type="text" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <fieldset class={errors.scopes ? "invalid" : ""} aria-describedby={errors.scopes ? "key-scopes-error" : undefined}>
        <legend>Scopes</legend>
        {SCOPES.map(([scope, label]) => (
          <div class="field check" key={scope}>
            <input id={`scope-${scope}`} type="checkbox" checked={scopes.includes(scope)} onChange={toggle(scope)} />
            <label for={`scope-${scope}`}>
              <code>{scope}</code> {label}
            </label>
          </div>
        ))}
        {errors.scopes && (
          <p class="error" id="key-scopes-error">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      <button type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

function NewSecret({ created, onDone }) {
  return (
    <div class="secret" role="status" aria-live="polite">
      <h3>Your new key “{created.name}”</h3>
      <p>Copy it now: it is shown only this once, and SmartLinks keeps only a hash of it.</p>
      <div class="secret-row">
        <code id="new-key-secret">{created.key}</code>
        <CopyButton text={created.key} children="Copy key" class="small" />
      </div>
      <button type="button" class="secondary small" onClick={onDone}>
        I have saved it
      </button>
    </div>
  );
}

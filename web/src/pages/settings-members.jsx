// Members of the account: the list, roles, removal; invitations by email
// (the link shown once, to pass on). Only owners manage members.
import { useEffect, useState } from "preact/hooks";
import { get, post, patch, del, seg } from "../api.js";
import { Field, FormError, useSubmit } from "../components/field.jsx";
import { CopyButton } from "../components/copy-button.jsx";
import { ConfirmDialog } from "../components/confirm.jsx";
import { toast } from "../components/toast.jsx";
import { formatDate } from "../lib/format.js";

export function Members({ owner, me }) {
  const [data, setData] = useState({ members: null, invitations: [], error: null });
  const [reload, setReload] = useState(0);
  const [invited, setInvited] = useState(null);
  const [toRemove, setToRemove] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([get("/v1/members"), owner ? get("/v1/invitations") : Promise.resolve({ invitations: [] })]).then(
      ([m, i]) => setData({ members: m.members, invitations: i.invitations, error: null }),
      (error) => setData({ members: null, invitations: [], error }),
    );
  }, [reload, owner]);

  const act = async (fn, done) => {
    setBusy(true);
    try {
      await fn();
      toast(done);
      setReload((n) => n + 1);
      return true;
    } catch (err) {
      toast(err.message, "error");
      return false;
    } finally {
      setBusy(false);
    }
  };

  const setRole = (member, role) => act(() => patch(`/v1/members/${seg(member.id)}`, { role }), `${member.email} is now ${role === "owner" ? "an owner" : "a member"}.`);
  const remove = async () => {
    if (await act(() => del(`/v1/members/${seg(toRemove.id)}`), `Removed ${toRemove.email}.`)) setToRemove(null);
  };
  const revokeInvite = (inv) => act(() => del(`/v1/invitations/${seg(inv.id)}`), `Invitation for ${inv.email} withdrawn.`);

  return (
    <section class="card" id="members" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {data.error && (
        <div class="alert" role="alert">
          {data.error.message}
        </div>
      )}
      {data.members && (
        <table class="members">
          <caption class="sr-only">People in this account</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              {owner && (
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {data.members.map((m) => (
              <tr key={m.id}>
                <td data-label="Email">
                  {m.email}
                  {m.id === me.id ? " (you)" : ""}
                </td>
                <td data-label="Role">
                  {owner && m.id !== me.id ? (
                    <select aria-label={`Role of ${m.email}`} value={m.role} disabled={busy} onChange={(e) => setRole(m, e.currentTarget.value)}>
                      <option value="owner">Owner</option>
                      <option value="member">Member</option>
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                <td data-label="Joined">{formatDate(m.createdAt)}</td>
                {owner && (
                  <td class="row-actions">
                    {m.id !== me.id && (
                      <button type="button" class="link-button danger-text" onClick={() => setToRemove(m)} aria-label={`Remove ${m.email}`}>
                        Remove
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {owner ? (
        <>
          {data.invitations.length > 0 && (
            <>
              <h3>Pending invitations</h3>
              <ul class="plain">
                {data.invitations.map((inv) => (
                  <li key={inv.id}>
                    {inv.email} as {inv.role}, until {formatDate(inv.expiresAt)}{" "}
                    <button type="button" class="link-button danger-text" onClick={() => revokeInvite(inv)} aria-label={`Withdraw the invitation for ${inv.email}`}>
                      Withdraw
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {invited && (
            <div class="secret" role="status">
              <h3>Invitation for {invited.email}</h3>
              <p>Send them this link; it is shown only once and works until {formatDate(invited.expiresAt)}.</p>
              <div class="secret-row">
                <code>{invited.url}</code>
                <CopyButton text={invited.url} children="Copy link" class="small" />
              </div>
              <button type="button" class="secondary small" onClick={() => setInvited(null)}>
                Done
              </button>
            </div>
          )}
          <Invite
            onInvited={(inv) => {
              setInvited(inv);
              setReload((n) => n + 1);
            }}
          />
        </>
      ) : (
        <p class="muted">Only owners invite and remove members.</p>
      )}
      <ConfirmDialog open={!!toRemove} title="Remove this member?" confirmLabel="Remove member" busy={busy} onConfirm={remove} onCancel={() => setToRemove(null)}>
        {toRemove && <p>{toRemove.email} loses access at once and is signed out everywhere.</p>}
      </ConfirmDialog>
    </section>
  );
}

function Invite({ onInvited }) {
  const [form, setForm] = useState({ email: "", role: "member" });
  const { busy, errors, onSubmit } = useSubmit(async () => {
    const inv = await post("/v1/invitations", { email: form.email.trim(), role: form.role });
    setForm({ email: "", role: "member" });
    onInvited(inv);
  }, ["email", "role"]);
  return (
    <form class="invite" onSubmit={onSubmit} noValidate>
      <h3>Invite someone</h3>
      <FormError error={errors.form} />
      <div class="grid-2">
        <Field id="invite-email" label="Email" error={errors.email}>
          <input type="email" required value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} />
        </Field>
        <Field id="invite-role" label="Role" error={errors.role}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            <option value="member">Member (links, QR codes, analytics)</option>
            <option value="owner">Owner (also keys and members)</option>
          </select>
        </Field>
      </div>
      <button type="submit" disabled={busy}>
        {busy ? "Inviting…" : "Create invitation"}
      </button>
    </form>
  );
}

// Who is signed in, shared by every page: loaded once from
// GET /v1/auth/session, replaced on sign-in, cleared on sign-out or a 401.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { get, post, setCsrfToken } from "./api.js";

export const SessionContext = createContext(null);

/** `{session, setSession, signOut, ended}` of the App. */
export const useSession = () => useContext(SessionContext);

/** The current session, or null when nobody is signed in. */
export async function loadSession() {
  try {
    const session = await get("/v1/auth/session", { quiet401: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}

export async function signOut() {
  try {
    await post("/v1/auth/signout", undefined, { quiet401: true });
  } finally {
    setCsrfToken(null);
  }
}

/** Whether people may sign up without an invitation. */
export async function signupEnabled() {
  try {
    return (await get("/v1/auth/config")).signup === true;
  } catch {
    return false;
  }
}

/** Only owners manage API keys and members. */
export const isOwner = (session) => session?.member?.role === "owner";

"use client";
// The signed-in user for client components. The session lives in the backend's HttpOnly
// cookie; the root layout asks the backend on the server and hands the answer over as
// `initialUser`, so pages render with the user in their first HTML. The browser asks
// `/api/auth/me` only after a change (`refresh()`), or on mount when no `initialUser` was given.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { api, call, type ApiResult, type User } from "./api";
import { passkeySignIn, signedInUser, type PasskeyResult, type SignInOptions } from "./passkeys";

export type AuthContextValue = {
  user: User | null;
  loading: boolean;
  login: (email: string, password: string) => Promise<ApiResult<User>>;
  /**
   * Signs in with a passkey the person picks: from the email field's autofill (`conditional`)
   * or in the browser's own dialog; `signal` stops it.
   */
  signInWithPasskey: (options: SignInOptions) => Promise<PasskeyResult<User>>;
  register: (email: string, name: string, password: string) => Promise<ApiResult<User>>;
  /** A new password with a mail's reset link; signs this browser in as the link's account. */
  resetPassword: (token: string, newPassword: string) => Promise<ApiResult<User>>;
  /** Confirms the signed-in account's address with a mail's verification link. */
  verifyEmail: (token: string) => Promise<ApiResult<User>>;
  /** Moves the signed-in account to the address a change of address link was sent to. */
  confirmEmail: (token: string) => Promise<ApiResult<User>>;
  logout: () => Promise<void>;
  refresh: () => Promise<User | null>;
};

const AuthContext = createContext<AuthContextValue | null>(null);

type Props = {
  children: React.ReactNode;
  /**
   * The user as the server found it (null: signed out). Left out, the provider asks
   * `/api/auth/me` once the page has loaded, and `loading` is true until it answers.
   */
  initialUser?: User | null;
};

export function AuthProvider({ children, initialUser }: Props) {
  const known = initialUser !== undefined;
  const [user, setUser] = useState<User | null>(initialUser ?? null);
  const [loading, setLoading] = useState(!known);
  // A server render after a change (router.refresh(), a sign-in) brings the server's answer
  // again: it replaces what the browser had.
  const [seed, setSeed] = useState(initialUser);
  if (seed !== initialUser) {
    setSeed(initialUser);
    if (initialUser !== undefined) setUser(initialUser);
  }

  const refresh = useCallback(async () => {
    const result = await call(api.GET("/api/auth/me"));
    const next = result.ok ? result.data : null;
    setUser(next);
    setLoading(false);
    return next;
  }, []);

  useEffect(() => {
    if (known) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the state is set after the fetch answers
    void refresh();
  }, [known, refresh]);

  const login = useCallback(async (email: string, password: string) => {
    const result = await call(api.POST("/api/auth/login", { body: { email, password } }));
    if (!result.ok) return result;
    setUser(result.data.user);
    return { ok: true as const, data: result.data.user };
  }, []);

  const signInWithPasskey = useCallback(async (options: SignInOptions) => {
    const result = signedInUser(await passkeySignIn(options));
    if (result.ok) setUser(result.data);
    return result;
  }, []);

  const register = useCallback(async (email: string, name: string, password: string) => {
    const result = await call(api.POST("/api/auth/register", { body: { email, name, password } }));
    if (!result.ok) return result;
    setUser(result.data.user);
    return { ok: true as const, data: result.data.user };
  }, []);

  const resetPassword = useCallback(async (token: string, newPassword: string) => {
    const result = await call(
      api.POST("/api/auth/password/reset", { body: { token, new_password: newPassword } }),
    );
    if (!result.ok) return result;
    setUser(result.data.user);
    return { ok: true as const, data: result.data.user };
  }, []);

  const verifyEmail = useCallback(async (token: string) => {
    const result = await call(api.POST("/api/auth/email/verify", { body: { token } }));
    if (result.ok) setUser(result.data);
    return result;
  }, []);

  const confirmEmail = useCallback(async (token: string) => {
    const result = await call(api.POST("/api/auth/email/confirm", { body: { token } }));
    if (result.ok) setUser(result.data);
    return result;
  }, []);

  const logout = useCallback(async () => {
    // Logout is idempotent on the server; the local state is cleared whatever it answers.
    await call(api.POST("/api/auth/logout"));
    setUser(null);
  }, []);

  const value = useMemo(
    () => ({
      user,
      loading,
      login,
      signInWithPasskey,
      register,
      resetPassword,
      verifyEmail,
      confirmEmail,
      logout,
      refresh,
    }),
    [
      user,
      loading,
      login,
      signInWithPasskey,
      register,
      resetPassword,
      verifyEmail,
      confirmEmail,
      logout,
      refresh,
    ],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}

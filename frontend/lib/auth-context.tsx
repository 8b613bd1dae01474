"use client";
// The signed-in user for client components. The session lives in the backend's HttpOnly
// cookie; this only mirrors `/api/auth/me` and calls the auth routes.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { api, call, type ApiResult, type User } from "./api";

export type AuthContextValue = {
  user: User | null;
  loading: boolean;
  login: (email: string, password: string) => Promise<ApiResult<User>>;
  register: (email: string, name: string, password: string) => Promise<ApiResult<User>>;
  logout: () => Promise<void>;
  refresh: () => Promise<User | null>;
};

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    const result = await call(api.GET("/api/auth/me"));
    const next = result.ok ? result.data : null;
    setUser(next);
    setLoading(false);
    return next;
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the state is set after the fetch answers
    void refresh();
  }, [refresh]);

  const login = useCallback(async (email: string, password: string) => {
    const result = await call(api.POST("/api/auth/login", { body: { email, password } }));
    if (!result.ok) return result;
    setUser(result.data.user);
    return { ok: true as const, data: result.data.user };
  }, []);

  const register = useCallback(async (email: string, name: string, password: string) => {
    const result = await call(api.POST("/api/auth/register", { body: { email, name, password } }));
    if (!result.ok) return result;
    setUser(result.data.user);
    return { ok: true as const, data: result.data.user };
  }, []);

  const logout = useCallback(async () => {
    // Logout is idempotent on the server; the local state is cleared whatever it answers.
    await call(api.POST("/api/auth/logout"));
    setUser(null);
  }, []);

  const value = useMemo(
    () => ({ user, loading, login, register, logout, refresh }),
    [user, loading, login, register, logout, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}

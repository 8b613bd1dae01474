/** The backend as the Next.js server reaches it (compose: http://backend:8000). */
export const backendUrl = process.env.BACKEND_URL ?? "http://127.0.0.1:8000";

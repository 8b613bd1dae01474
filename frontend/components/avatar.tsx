"use client";
import { useState } from "react";

/** Up to two letters: the first of the first and of the last name. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts.slice(0, 1);
  return letters
    .map((p) => Array.from(p ?? "")[0] ?? "")
    .join("")
    .toUpperCase();
}

/** The user's picture from their provider, or their initials when there is none (or it fails). */
export function Avatar({ name, url }: { name: string; url?: string | null }) {
  const [failed, setFailed] = useState(false);
  if (url && !failed) {
    return (
      // Provider avatars are plain images from their hosts (allowed by the CSP's img-src);
      // next/image would fetch them through this server instead.
      // eslint-disable-next-line @next/next/no-img-element
      <img
        className="avatar"
        src={url}
        alt=""
        width={32}
        height={32}
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
      />
    );
  }
  return (
    <span className="avatar avatar-initials" aria-hidden="true">
      <bdi>{initials(name) || "?"}</bdi>
    </span>
  );
}

import type { Metadata } from "next";
import { signInOptions } from "@/lib/server-session";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function RegisterPage() {
  const { policy } = await signInOptions();
  return <RegisterForm policy={policy} />;
}

import { z } from "zod";

/** A webhook URL (an endpoint, a chat channel): absolute http(s), no user name or password in it. */
export const webhookUrl = z
  .string({ error: "The URL is required." })
  .trim()
  .min(1, "The URL is required.")
  .max(2000, "Keep the URL under 2,000 characters.")
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "Enter an http:// or https:// URL without a user name or password in it.");

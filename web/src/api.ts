// Typed calls to the public HTTP API (hand-written from /openapi.json and docs/contract.md).
// The API is at config().api_base: "" (the same origin) on the local dev server.
import { config } from "./config";

export type Role = "citizen" | "operator" | "supervisor" | "inspector" | "admin";
export type Status =
  | "assigned" | "waiting_citizen" | "followed_up" | "resolved" | "closed" | "forwarded" | "rejected";

export interface Category { code: string; name: string; sector: string; opd: string }
export interface Opd { code: string; name: string; government: string; sectors: string[]; units: { code: string; name: string }[] }
export interface Jurisdiction { code: string; name: string }
export interface Government { code: string; name: string; kind: string; onboarded: boolean }

export interface Complaint {
  id: string;
  status: Status;
  category: string;
  sector: string;
  opd: string;
  government: string;
  unit: string | null;
  title: string;
  description: string;
  location: { lat: number | null; lon: number | null; address: string | null } | null;
  assignee: string | null;
  created_at: string;
  updated_at: string;
  deadlines: { followup_due: string | null; approval_due: string | null };
  overdue: boolean;
  version: number;
  actions: string[];
  rating: { stars: number; comment?: string | null } | null;
  flags: unknown[] | null;
}

export interface TimelineEvent { at: string; type: string; label: string; actor_role?: string; note?: string | null }
export interface Tracked {
  id: string; status: Status; status_label: string; category: string; opd: string; created_at: string;
  deadlines: Complaint["deadlines"]; overdue: boolean; title: string | null; timeline: TimelineEvent[];
  visibility: string; description: string | null; supporters: number | null;
}
export interface Notification { id: string; at: string; type: string; complaint_id: string | null; title: string; body: string; read_at: string | null }
export interface Sanction {
  id: string; complaint_id: string; subject_type: string; subject_id: string; opd: string; rule_id: string; level: string;
  clock: string; due_at: string; issued_at: string; hours_late: number; kind: string; explanation: { id: string; en: string };
}
export interface Attachment {
  id: string; filename: string; content_type: string; size: number; uploaded_by_role: string;
  status: "pending" | "ready" | "rejected"; url: string | null;
}
export interface Upload extends Attachment { upload: { url: string; fields: Record<string, string> } }
export interface PublicComplaint {
  id: string; status: Status; category: string; opd: string; title: string; created_at: string;
  location: { address: string | null; lat?: number | null; lon?: number | null } | null; supporters: number; distance_m?: number | null;
}
export interface AuditEntry { at: string; actor_role: string; actor_id: string | null; action: string; complaint_id: string | null; source_ip: string | null }
export interface Preferences { email: string | null; phone: string | null; channels: string[]; language: "id" | "en" }
export interface Page<T> { items: T[]; next: string | null }

export interface ClockStats { decided: number; on_time: number; late: number; on_time_rate: number | null; median_hours: number | null }
export interface OpdStats {
  opd: string; name: string; government: string; complaints: number; followup: ClockStats;
  approval: ClockStats; sanctions: number; rank: number | null; enough_data: boolean;
}
export interface Stats { window_days: number; since: string; opds: OpdStats[] }
export interface MonthStats { month: string; complaints: number; followup: ClockStats; approval: ClockStats; sanctions: number }
export interface MonthlyStats { government: string | null; opd: string | null; name: string | null; window_months: number; months: MonthStats[] }
export interface Clock { clock: string; hours: number; mode: string; description: { id: string; en: string }; reference: string }
export interface Rules { rules_version: string; at: string; government: string; clocks: Clock[] }

export interface Session { token: string; claims: { sub: string; role: Role; opd?: string; name?: string } }

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) { super(message); }
}

let token: string | null = null;
let language = "id";

export function setToken(value: string | null): void { token = value; }
export function setLanguage(value: string): void { language = value; }

async function call<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { "Accept-Language": language, ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(config().api_base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", "");
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: "unknown", message: "" };
    throw new ApiError(response.status, error.code, error.message);
  }
  return data as T;
}

const ifMatch = (version: number) => ({ "If-Match": `"${version}"` });

export const api = {
  signIn: (body: { sub: string; role: Role; opd?: string; name?: string }) => call<Session>("POST", "/local/sign-in", body),
  categories: () => call<Category[]>("GET", "/v1/categories"),
  opds: () => call<Opd[]>("GET", "/v1/opds"),
  jurisdictions: () => call<Jurisdiction[]>("GET", "/v1/jurisdictions"),
  governments: () => call<Government[]>("GET", "/v1/governments"),
  complaints: (query = "") => call<Page<Complaint>>("GET", `/v1/complaints${query}`),
  complaint: (id: string) => call<Complaint>("GET", `/v1/complaints/${encodeURIComponent(id)}`),
  timeline: (id: string) => call<TimelineEvent[]>("GET", `/v1/complaints/${encodeURIComponent(id)}/timeline`),
  track: (id: string) => call<Tracked>("GET", `/v1/track/${encodeURIComponent(id)}`),
  file: (body: { category: string; title: string; description: string; location?: { address?: string; lat?: number; lon?: number }; visibility: string }, key: string) =>
    call<Complaint & { similar?: PublicComplaint[] }>("POST", "/v1/complaints", body, { "Idempotency-Key": key }),
  act: (c: Complaint, action: string, body: unknown = {}) =>
    call<Complaint>("POST", `/v1/complaints/${encodeURIComponent(c.id)}/${action}`, body, ifMatch(c.version)),
  notifications: () => call<Page<Notification>>("GET", "/v1/me/notifications?limit=50"),
  markRead: (id: string) => call<unknown>("POST", `/v1/me/notifications/${encodeURIComponent(id)}/read`, {}),
  attachments: (id: string) => call<Attachment[]>("GET", `/v1/complaints/${encodeURIComponent(id)}/attachments`),
  /** Presigned POST from the API, then the file straight to the bucket (multipart form). */
  upload: async (id: string, file: File): Promise<Attachment> => {
    const slot = await call<Upload>("POST", `/v1/complaints/${encodeURIComponent(id)}/attachments`,
      { filename: file.name, content_type: file.type || "application/octet-stream", size: file.size });
    const form = new FormData();
    for (const [k, v] of Object.entries(slot.upload.fields)) form.append(k, v);
    form.append("file", file);
    let response: Response;
    try { response = await fetch(slot.upload.url, { method: "POST", body: form }); } catch { throw new ApiError(0, "network", ""); }
    if (!response.ok) throw new ApiError(response.status, "upload_failed", "");
    return slot;
  },
  publicComplaints: () => call<Page<PublicComplaint>>("GET", "/v1/public/complaints?limit=20"),
  support: (id: string) => call<{ supporters: number }>("POST", `/v1/complaints/${encodeURIComponent(id)}/support`, {}),
  audit: (complaint: string) => call<Page<AuditEntry>>("GET", `/v1/audit?limit=100${complaint ? `&complaint=${encodeURIComponent(complaint)}` : ""}`),
  preferences: () => call<Preferences>("GET", "/v1/me/preferences"),
  savePreferences: (p: { email?: string; phone?: string; channels: string[]; language: string }) => call<Preferences>("PUT", "/v1/me/preferences", p),
  sanctions: (kind: string) => call<Page<Sanction>>("GET", `/v1/sanctions?limit=100&kind=${encodeURIComponent(kind)}`),
  stats: (government: string) => call<Stats>("GET", `/v1/stats/opds?government=${encodeURIComponent(government)}`),
  monthly: (government: string, opd = "", months = 12) =>
    call<MonthlyStats>("GET", `/v1/stats/opds/monthly?government=${encodeURIComponent(government)}&months=${months}${opd ? `&opd=${encodeURIComponent(opd)}` : ""}`),
  rules: (government: string) => call<Rules>("GET", `/v1/rules?government=${encodeURIComponent(government)}`),
};

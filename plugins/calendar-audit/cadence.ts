/** How often a series meets, read from its RRULE: a label for people and occurrences per week. */
export interface Cadence {
  label: string;
  perWeek: number;
}

const weeksPerMonth = 52 / 12;

export function cadenceOf(rrule: string | null): Cadence {
  if (!rrule) return { label: "once", perWeek: 0 };
  const first = rrule.split("\n")[0] ?? "";
  const parts = new Map(
    first
      .replace(/^RRULE:/i, "")
      .split(";")
      .map((p) => p.split("=") as [string, string]),
  );
  const freq = (parts.get("FREQ") ?? "").toUpperCase();
  const interval = Math.max(1, Number.parseInt(parts.get("INTERVAL") ?? "1", 10) || 1);
  const byDay = (parts.get("BYDAY") ?? "").split(",").filter(Boolean);
  const setPos = parts.has("BYSETPOS");
  const every = (unit: string): string => (interval === 1 ? unit : `every ${interval} ${unit.replace(/ly$/, "")}s`);
  switch (freq) {
    case "DAILY": {
      const days = byDay.length || 7;
      const label = interval === 1 ? (days === 5 ? "daily (weekdays)" : "daily") : `every ${interval} days`;
      return { label, perWeek: days / interval };
    }
    case "WEEKLY": {
      const days = Math.max(1, byDay.length);
      const label =
        interval === 2 && days === 1
          ? "every two weeks"
          : `${days > 1 ? `${days}× ` : ""}${interval === 1 ? "weekly" : `every ${interval} weeks`}`;
      return { label, perWeek: days / interval };
    }
    case "MONTHLY": {
      const times = setPos ? 1 : Math.max(1, byDay.length);
      return {
        label: `${times > 1 ? `${times}× ` : ""}${every("monthly")}`,
        perWeek: times / (weeksPerMonth * interval),
      };
    }
    case "YEARLY":
      return { label: every("yearly"), perWeek: 1 / (52 * interval) };
    case "HOURLY":
    case "MINUTELY":
    case "SECONDLY":
      return { label: "more than daily", perWeek: 7 * 24 };
    default:
      return { label: "irregular", perWeek: 0 };
  }
}

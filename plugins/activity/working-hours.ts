/** Local "HH:MM" open intervals per weekday, as core stores them on people. */
export type WorkingHours = Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", [string, string][]>>;

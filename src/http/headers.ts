/** Adds the comma-separated items of `value` to the list header `name`, each item once (any case). */
export function appendList(headers: Headers, name: string, value: string): void {
  const existing = (headers.get(name) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  const lower = new Set(existing.map((item) => item.toLowerCase()));
  for (const item of value.split(",").map((part) => part.trim())) {
    if (item && !lower.has(item.toLowerCase())) {
      existing.push(item);
      lower.add(item.toLowerCase());
    }
  }
  headers.set(name, existing.join(", "));
}

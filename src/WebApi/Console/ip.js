// Checks an allowed-IP entry as the user types; the server checks it again (and refuses a block
// with host bits set, which this leaves to it). Numbers are decimal without leading zeros: many
// parsers read 010 as octal 8.
const decimal = /^(0|[1-9]\d{0,2})$/;

function isIPv4(text) {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => decimal.test(p) && Number(p) <= 255);
}

function isIPv6(text) {
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return false;
  try {
    // The URL parser implements the full IPv6 grammar (compression, embedded IPv4).
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

export function isAddressOrCidr(entry) {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return false;
  if (prefix === undefined) return true;
  return decimal.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

/** The non-empty lines, and a sentence about the first bad one (or null). */
export function parseIpLines(text) {
  const lines = text.split('\n').map((l) => l.trim());
  const entries = [];
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    if (!isAddressOrCidr(line)) return { entries, error: `Line ${i + 1}: “${line}” is not an IP address or CIDR block (like 203.0.113.7 or 10.0.0.0/8, without leading zeros).` };
    entries.push(line);
  }
  if (entries.length > 100) return { entries, error: 'At most 100 addresses or CIDR blocks.' };
  return { entries, error: null };
}

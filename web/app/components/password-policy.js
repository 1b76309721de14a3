// The server's 等保 password policy, checked before sending so the user sees
// the reason at once (the server checks again and has the last word, e.g. for
// "one of the last 5 passwords", which only it can know).
//   length 10–128 bytes, three of upper / lower / digit / symbol, not
//   containing the user name (case-insensitive).
const MIN = 10;
const MAX = 128;

const bytes = (s) => new TextEncoder().encode(s).length;

// The classes a password uses, as the server counts them (C isupper/islower/
// isdigit on bytes; everything else, non-ASCII included, is a symbol).
export function passwordClasses(pw) {
  return {
    upper: /[A-Z]/.test(pw),
    lower: /[a-z]/.test(pw),
    digit: /[0-9]/.test(pw),
    symbol: /[^A-Za-z0-9]/.test(pw),
  };
}

// '' when the password passes, else the reason in the server's words.
export function passwordProblem(pw, username) {
  const n = bytes(pw || '');
  if (n < MIN || n > MAX) return `密码长度应为 ${MIN} 到 ${MAX} 位`;
  const c = passwordClasses(pw);
  if (c.upper + c.lower + c.digit + c.symbol < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三类';
  if (username && pw.toLowerCase().includes(String(username).toLowerCase())) return '密码不能包含用户名';
  return '';
}

export const POLICY_HINT = `至少${MIN}位，含大写字母、小写字母、数字、符号中的三类，不含用户名，不与最近5次相同`;

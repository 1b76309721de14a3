// 居民身份证号 (GB 11643-1999) checks for forms: the MOD 11-2 check character,
// a real birth date not in the future, and the gender it encodes. The server
// validates again; these only give earlier, field-level feedback.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

function birthOk(id) {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return false;
  }
  return date.getTime() <= Date.now();
}

// '' when the ID is acceptable, else the reason in Chinese.
export function idProblem(id) {
  if (!/^\d{17}[\dX]$/.test(id || '')) return '证件号码应为18位（最后一位可为X）';
  if (!birthOk(id)) return '证件号码中的出生日期无效';
  if (checkChar(id) !== id[17]) return '证件号码校验位错误';
  return '';
}

export function idLooksValid(id) {
  return idProblem(String(id || '').toUpperCase()) === '';
}

// 男 / 女 from the sequence digit (odd = male).
export function idGender(id) {
  return Number(id[16]) % 2 === 1 ? '男' : '女';
}

// The store import CSV format (docs/api.md) and its downloadable template.

/** The columns of the store import file, in order. */
export const storeCsvColumns = [
  'code',
  'name',
  'name_en',
  'parent_code',
  'format',
  'city',
  'address',
  'latitude',
  'longitude',
  'time_zone',
  'floor_area',
  'phone',
  'status',
] as const;

const exampleRow: Record<(typeof storeCsvColumns)[number], string> = {
  code: 'S9001',
  name: '示例门店',
  name_en: 'Sample Store',
  parent_code: 'REGION-CODE',
  format: 'standard',
  city: '南京',
  address: '中山路 1 号',
  latitude: '32.0603',
  longitude: '118.7969',
  time_zone: 'Asia/Shanghai',
  floor_area: '1200',
  phone: '025-80000000',
  status: 'planned',
};

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The template: the header row and one example row. */
export function storeCsvTemplate(): string {
  const header = storeCsvColumns.join(',');
  const example = storeCsvColumns.map((column) => csvField(exampleRow[column])).join(',');
  return `${header}\n${example}\n`;
}

/** The number of data rows in a CSV text (lines after the header that are not blank). */
export function countCsvRows(text: string): number {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return Math.max(0, lines.length - 1);
}

/** Starts a download of `text` as a file, built in the browser. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

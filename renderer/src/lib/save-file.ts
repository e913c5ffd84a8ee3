/**
 * Save text the page made (a CSV of the rows shown, the resets calendar) as a
 * file: a download from an object URL, the same in the desktop window and in
 * a browser. The URL is dropped once the click has started the download.
 */
export function saveFile(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

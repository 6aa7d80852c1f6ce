// Copies text that is not secret (such as the OAuth scope list) from the webview. Tokens never
// pass through here: the backend's `copy_token` writes them to the clipboard.

/** Copies `text`; returns false when neither the Clipboard API nor `execCommand` worked. */
export async function copyPlainText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // WebKitGTK exposes `navigator.clipboard` only in secure contexts, so try the older API.
  }

  const area = document.createElement("textarea");
  area.value = text;
  area.readOnly = true;
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

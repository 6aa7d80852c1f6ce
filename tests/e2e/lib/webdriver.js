// A small W3C WebDriver client over Node's fetch, enough to drive the app window through
// tauri-driver. It has no dependencies, so no driver library can drift under the tests.

export const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    const detail = value?.message ?? JSON.stringify(value);
    super(`WebDriver ${method} ${path} failed with HTTP ${status}: ${value?.error}: ${detail}`);
    this.status = status;
    this.code = value?.error;
  }
}

async function request(baseUrl, method, path, body) {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let payload;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new Error(`WebDriver ${method} ${path} returned HTTP ${response.status}: ${text}`);
  }
  if (!response.ok) {
    throw new WebDriverError(method, path, response.status, payload.value);
  }
  return payload.value;
}

/** Opens a session on a WebDriver server and returns it. */
export async function openSession(baseUrl, capabilities) {
  const value = await request(baseUrl, "POST", "/session", {
    capabilities: { alwaysMatch: capabilities },
  });
  return new Session(baseUrl, value.sessionId);
}

/** Returns true when GET /status on baseUrl returns ready = true. */
export async function isReady(baseUrl) {
  try {
    const value = await request(baseUrl, "GET", "/status");
    return value.ready === true;
  } catch {
    return false;
  }
}

export class Session {
  constructor(baseUrl, id) {
    this.baseUrl = baseUrl;
    this.id = id;
  }

  command(method, path, body) {
    return request(this.baseUrl, method, `/session/${this.id}${path}`, body);
  }

  async delete() {
    await this.command("DELETE", "");
  }

  /** Returns the element for a CSS selector, or null when there is none right now. */
  async find(selector) {
    try {
      const value = await this.command("POST", "/element", {
        using: "css selector",
        value: selector,
      });
      return new Element(this, value[ELEMENT_KEY]);
    } catch (error) {
      if (error.code === "no such element") return null;
      throw error;
    }
  }

  /** Returns the elements for a CSS selector (possibly none). */
  async findAll(selector) {
    const values = await this.command("POST", "/elements", {
      using: "css selector",
      value: selector,
    });
    return values.map((value) => new Element(this, value[ELEMENT_KEY]));
  }

  /**
   * Polls until a displayed element matches the selector and returns it. Waiting is for the
   * app to get there, not a speed check: the limit only keeps a broken run from hanging.
   */
  async waitFor(selector, { timeoutMs = 30_000, displayed = true } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const element = await this.find(selector);
      if (element && (!displayed || (await element.isDisplayed()))) return element;
      if (Date.now() > deadline) {
        const text = await this.bodyText().catch(() => "(page text unavailable)");
        throw new Error(
          `No element matched ${selector} within ${timeoutMs} ms. Page text:\n${text}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Polls until condition() returns a truthy value and returns that value. */
  async waitUntil(description, condition, { timeoutMs = 30_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await condition();
      if (value) return value;
      if (Date.now() > deadline) {
        const text = await this.bodyText().catch(() => "(page text unavailable)");
        throw new Error(`Timed out waiting for ${description}. Page text:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  execute(script, args = []) {
    return this.command("POST", "/execute/sync", { script, args });
  }

  async bodyText() {
    return this.execute("return document.body ? document.body.innerText : '';");
  }

  /** Returns a PNG screenshot of the page as a Buffer. */
  async screenshot() {
    const base64 = await this.command("GET", "/screenshot");
    return Buffer.from(base64, "base64");
  }

  setWindowRect(rect) {
    return this.command("POST", "/window/rect", rect);
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  command(method, path, body) {
    return this.session.command(method, `/element/${this.id}${path}`, body);
  }

  /** Serialises as a W3C element reference, so an Element can be a script argument. */
  toJSON() {
    return { [ELEMENT_KEY]: this.id };
  }

  click() {
    return this.command("POST", "/click", {});
  }

  clear() {
    return this.command("POST", "/clear", {});
  }

  type(text) {
    return this.command("POST", "/value", { text });
  }

  text() {
    return this.command("GET", "/text");
  }

  /** Returns a DOM property such as "value" or "checked". */
  property(name) {
    return this.command("GET", `/property/${name}`);
  }

  attribute(name) {
    return this.command("GET", `/attribute/${name}`);
  }

  isDisplayed() {
    return this.command("GET", "/displayed");
  }

  isEnabled() {
    return this.command("GET", "/enabled");
  }
}

"""Watch the page's connection to its kernel, and keep unsent text in the browser.

A killed or restarted kernel used to fail almost silently: the clock froze on "On
time", the status still said "Draft saved", typing looked fine and was lost on reload.
:class:`ConnectionWatch` is a small browser-side widget (anywidget: a few lines of
JavaScript, no build step) that every app page carries (:func:`widgets.shell.page.app_page`):

* **A dropped connection is visible within 5 seconds.** The browser pings the kernel
  every second; the kernel answers each ping. With no answer for 3 seconds a
  full-width notice says what happened and what to do. The browser asks rather than
  the kernel announcing itself, so a closed tab sends nothing and its idle kernel can
  still be culled.
* **What is typed is kept in the browser** (``localStorage``), keyed by page,
  engagement and field, until the kernel has provably received it: an entry is
  dropped once a ping sent after it was answered (messages reach the kernel in order)
  and the field still shows that text. After a reload, text the page does not show
  (typed after the kernel died) is offered back with "Restore what you typed".

Only fields of an open engagement are kept (``scope``, set by the app through
:func:`set_page_scope`), so one coachee's words are never offered on another's page.
"""

from __future__ import annotations

import weakref
from typing import Any

import anywidget
import traitlets

__all__ = ["LOST_AFTER_MS", "ConnectionWatch", "set_page_scope"]

# No answer to pings for this long means the kernel is gone (pings go every second).
LOST_AFTER_MS = 3000

_ESM = """
const LOST_AFTER_MS = __LOST_AFTER_MS__;
const PREFIX = "kit-unsent|";

function fieldKey(target) {
  const outer = target.closest(".widget-text, .widget-textarea");
  if (!outer) return null;
  return [...outer.classList].find(
    (c) => c.startsWith("kit-") && c !== "kit-stack" && c !== "kit-invalid") || null;
}

function render({ model, el }) {
  const pageStart = Date.now();
  const page = location.pathname;
  const prefix = () => `${PREFIX}${page}|${model.get("scope")}|`;
  const notice = document.createElement("div");
  notice.className = "kit-connection-lost kit-notice kit-notice-error";
  notice.setAttribute("role", "alert");
  notice.hidden = true;
  notice.innerHTML = "<b>The connection to the kit was lost.</b> Nothing more is " +
    "being saved (the kit stopped or restarted, or the network dropped). What you type " +
    "now is kept in this browser. Reload the page to reconnect; it will offer back " +
    "what you typed. ";
  const reload = document.createElement("button");
  reload.className = "jupyter-button kit-action-reload";
  reload.textContent = "Reload the page";
  reload.addEventListener("click", () => location.reload());
  notice.append(reload);

  const offer = document.createElement("div");
  offer.className = "kit-restore-offer kit-notice";
  offer.setAttribute("role", "status");
  offer.hidden = true;
  const offerText = document.createElement("span");
  const restore = document.createElement("button");
  restore.className = "jupyter-button mod-primary kit-action-restore-typed";
  restore.textContent = "Restore what you typed";
  const dismiss = document.createElement("button");
  dismiss.className = "jupyter-button kit-action-dismiss-typed";
  dismiss.textContent = "Discard it";
  offer.append(offerText, restore, dismiss);
  el.classList.add("kit-connection-watch");
  el.append(notice, offer);

  let lost = false, sent = 0, lastAnswer = Date.now(), confirmedUpTo = 0;
  const pingTimes = new Map();
  let offered = [];

  function entries() {
    const found = [];
    if (!model.get("scope")) return found;
    const start = prefix();
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(start)) continue;
      try {
        const kept = JSON.parse(localStorage.getItem(key));
        found.push({ key, field: key.slice(start.length), ...kept });
      } catch (e) { localStorage.removeItem(key); }
    }
    return found;
  }

  function inputOf(field) {
    return document.querySelector(`.${CSS.escape(field)} textarea, .${CSS.escape(field)} input`);
  }

  function review() {
    offered = [];
    for (const entry of entries()) {
      const input = inputOf(entry.field);
      if (!input) continue;
      if (input.value === entry.text && entry.at < confirmedUpTo) {
        localStorage.removeItem(entry.key);
      } else if (input.value !== entry.text && entry.at < pageStart && !lost) {
        offered.push({ entry, input });
      }
    }
    offer.hidden = offered.length === 0;
    const one = offered.length === 1;
    offerText.textContent = `${one ? "1 note" : `${offered.length} notes`} typed on this ` +
      `page before it was reloaded ${one ? "was" : "were"} not saved in time. `;
  }

  restore.addEventListener("click", () => {
    for (const { entry, input } of offered) {
      input.value = entry.text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    offered = [];
    offer.hidden = true;
  });
  dismiss.addEventListener("click", () => {
    for (const { entry } of offered) localStorage.removeItem(entry.key);
    offered = [];
    offer.hidden = true;
  });

  function keep(event) {
    const target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) return;
    if (!model.get("scope")) return;
    const field = fieldKey(target);
    if (!field) return;
    try {
      const kept = { text: target.value, at: Date.now() };
      localStorage.setItem(prefix() + field, JSON.stringify(kept));
    } catch (e) { /* storage full or disabled: the kernel's draft still has it */ }
  }
  document.addEventListener("input", keep, true);

  model.on("msg:custom", (msg) => {
    if (!msg || msg.pong === undefined) return;
    lastAnswer = Date.now();
    confirmedUpTo = Math.max(confirmedUpTo, pingTimes.get(msg.pong) || 0);
    pingTimes.delete(msg.pong);
    if (lost) { lost = false; notice.hidden = true; }
  });

  const timer = setInterval(() => {
    sent += 1;
    pingTimes.set(sent, Date.now());
    if (pingTimes.size > 30) pingTimes.delete(pingTimes.keys().next().value);
    try { model.send({ ping: sent }); } catch (e) { /* closed socket: judged below */ }
    if (Date.now() - lastAnswer > LOST_AFTER_MS && !lost) {
      lost = true;
      notice.hidden = false;
      offer.hidden = true;
    }
    if (!lost) review();
  }, 1000);

  return () => {
    clearInterval(timer);
    document.removeEventListener("input", keep, true);
  };
}
export default { render };
""".replace("__LOST_AFTER_MS__", str(LOST_AFTER_MS))

_CSS = """
.kit-connection-watch { position: sticky; top: 0; z-index: 30; width: 100%; }
.kit-connection-watch .kit-notice { width: 100%; box-sizing: border-box; margin: 0 0 6px; }
.kit-connection-watch button { margin-left: 8px; }
"""

# The watches alive in this kernel: one per page in Voila, several in a test.
_watches: weakref.WeakSet[ConnectionWatch] = weakref.WeakSet()


class ConnectionWatch(anywidget.AnyWidget):
    """The page's connection notice and browser-side keeper of unsent text."""

    _esm = _ESM
    _css = _CSS
    scope = traitlets.Unicode("", help="engagement and meeting the page shows ('' none)").tag(
        sync=True
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._answer)
        _watches.add(self)

    def _answer(self, _widget: object, content: Any, _buffers: object) -> None:
        if isinstance(content, dict) and "ping" in content:
            self.send({"pong": content["ping"]})


def set_page_scope(*parts: object) -> None:
    """Say which engagement the page shows (``set_page_scope()`` for none).

    The browser keeps typed text only under this scope, so text is only ever offered
    back on the page of the engagement it was typed for.
    """
    scope = ":".join(str(p) for p in parts)
    for watch in list(_watches):
        watch.scope = scope

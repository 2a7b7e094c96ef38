/*
 * Meterline chat widget. A tenant embeds it with one tag:
 *
 *   <script src="https://<meterline host>/widget.js" data-key="pk_..." async></script>
 *
 * Optional attributes: data-title (the chat box's heading), data-api (the API base;
 * defaults to the origin this script was loaded from).
 *
 * Self-contained on purpose: no dependencies, no build step, one global
 * (window.MeterlineWidget: open/close). Everything it draws lives in an open shadow root,
 * so the host page's CSS cannot reach it and its CSS cannot leak out. Text from the
 * server is only ever set as textContent, never parsed as HTML.
 *
 * It speaks the public chat contract: POST {api}/api/chat with
 * { message, conversationId, stream: true } and `Authorization: Bearer <key>`; the reply
 * streams as SSE events start {conversationId}, delta {text}, done {..., reply},
 * error {error}; a plan limit is a 429 JSON body { message, upgradeUrl, ... }. Under each
 * finished reply, thumbs up / down POST {api}/api/chat/feedback { messageId, rating } once.
 */
(function () {
  "use strict";

  if (window.MeterlineWidget) return; // embedded twice: the first one wins

  var script =
    document.currentScript ||
    // Inserted by a loader that runs it later (currentScript is null then): find our tag.
    document.querySelector('script[data-key][src*="widget.js"]');
  var key = script && script.getAttribute("data-key");
  if (!key) {
    console.warn("[Meterline] widget.js needs a data-key attribute with a publishable key (pk_...).");
    return;
  }
  var title = (script.getAttribute("data-title") || "").trim() || "Chat with us";
  var apiBase = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/+$/, "");

  var TEXT = {
    notAllowed: "This chat is not available on this site.",
    unavailable: "The assistant is unavailable right now, try again shortly.",
    offline: "Could not reach the assistant. Check your connection and try again.",
    interrupted: "The reply was interrupted. Please try again.",
    limit: "This chat has reached its usage limit for now.",
    expired: "That conversation has ended; your next message starts a new one.",
    thanks: "Thanks for your feedback.",
    feedbackFailed: "Your feedback could not be sent.",
  };

  var CSS =
    ":host{all:initial}" +
    "*{box-sizing:border-box}" +
    ".root{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px;" +
    "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827}" +
    "button,input{font:inherit}" +
    ".launcher{width:56px;height:56px;border-radius:50%;border:0;background:#2563eb;color:#fff;cursor:pointer;display:grid;place-items:center;" +
    "box-shadow:0 6px 20px rgba(15,23,42,.25);transition:transform .15s ease}" +
    ".launcher:hover{transform:scale(1.05);background:#1d4ed8}" +
    ".launcher svg{width:26px;height:26px;fill:currentColor}" +
    "button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}" +
    ".panel{width:min(370px,calc(100vw - 40px));height:min(540px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;" +
    "border:1px solid #e5e7eb;border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(15,23,42,.22)}" +
    ".panel[hidden]{display:none}" +
    ".header{padding:14px 16px;background:#2563eb;color:#fff}" +
    ".header h2{margin:0;font-size:15px;font-weight:600}" +
    ".header p{margin:2px 0 0;font-size:12px;opacity:.85}" +
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#f9fafb}" +
    ".empty{margin:auto;color:#6b7280;text-align:center;font-size:13px;padding:0 20px}" +
    ".msg{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".user{align-self:flex-end;background:#2563eb;color:#fff;border-bottom-right-radius:4px}" +
    ".assistant{align-self:flex-start;background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}" +
    ".typing::after{content:'\\2026';display:inline-block;animation:blink 1s steps(2) infinite}" +
    "@keyframes blink{50%{opacity:.2}}" +
    ".notice{align-self:stretch;padding:10px 12px;border-radius:10px;background:#fef2f2;border:1px solid #fecaca;color:#991b1b;font-size:13px}" +
    ".notice a{display:inline-block;margin-top:4px;color:#1d4ed8;font-weight:600}" +
    ".form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}" +
    ".form input{flex:1;min-width:0;padding:9px 12px;border:1px solid #d1d5db;border-radius:10px;color:#111827;background:#fff}" +
    ".form input:disabled{background:#f3f4f6;color:#6b7280}" +
    ".form button{padding:0 16px;border:0;border-radius:10px;background:#2563eb;color:#fff;font-weight:600;cursor:pointer}" +
    ".form button:disabled{background:#93c5fd;cursor:default}" +
    ".feedback{align-self:flex-start;display:flex;align-items:center;gap:6px;margin-top:-2px;font-size:12px;color:#6b7280}" +
    ".feedback button{border:1px solid #e5e7eb;background:#fff;border-radius:8px;padding:3px 7px;cursor:pointer;color:#4b5563;display:grid;place-items:center}" +
    ".feedback svg{width:14px;height:14px;fill:currentColor}" +
    ".feedback button:hover{background:#f3f4f6}" +
    ".feedback button:disabled{opacity:.5;cursor:default}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "@media (prefers-reduced-motion:reduce){.launcher{transition:none}.typing::after{animation:none}}";

  var ICON_CHAT =
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var ICON_CLOSE =
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z"/></svg>';

  // Material Icons' thumb_up / thumb_down (Apache 2.0): no emoji font needed.
  var ICON_UP =
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"/></svg>';
  var ICON_DOWN =
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z"/></svg>';

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) node.setAttribute(name, attrs[name]);
    if (text) node.textContent = text;
    return node;
  }

  // --- The DOM ---------------------------------------------------------------------

  var host = el("div", { id: "meterline-widget" });
  var shadow = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = CSS;
  var root = el("div", { class: "root" });

  var panel = el("section", { class: "panel", id: "meterline-panel", role: "dialog", "aria-label": title, hidden: "" });
  var header = el("div", { class: "header" });
  header.appendChild(el("h2", {}, title));
  header.appendChild(el("p", {}, "Answers are generated by an AI assistant."));
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
  var empty = el("p", { class: "empty" }, "Ask a question and we will answer right here.");
  log.appendChild(empty);
  var form = el("form", { class: "form" });
  var input = el("input", {
    type: "text",
    name: "message",
    "aria-label": "Message",
    placeholder: "Type your message\u2026",
    autocomplete: "off",
    maxlength: "8000",
    required: "",
  });
  var send = el("button", { type: "submit" }, "Send");
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(form);

  var launcher = el("button", {
    type: "button",
    class: "launcher",
    "aria-label": "Open chat",
    "aria-expanded": "false",
    "aria-controls": "meterline-panel",
  });
  launcher.innerHTML = ICON_CHAT;

  root.appendChild(panel);
  root.appendChild(launcher);
  shadow.appendChild(style);
  shadow.appendChild(root);

  // --- State -----------------------------------------------------------------------

  var conversationId = null;
  var busy = false;

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    launcher.innerHTML = open ? ICON_CLOSE : ICON_CHAT;
    if (open && !busy) input.focus();
    if (!open) launcher.focus();
  }

  function setBusy(value) {
    busy = value;
    input.disabled = value;
    send.disabled = value;
    if (!value && !panel.hidden) input.focus();
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function addMessage(role, text) {
    if (empty.parentNode) empty.remove();
    var bubble = el("div", { class: "msg " + role }, text);
    var who = el("span", { class: "sr" }, role === "user" ? "You: " : "Assistant: ");
    bubble.insertBefore(who, bubble.firstChild);
    log.appendChild(bubble);
    scrollDown();
    return bubble;
  }

  /** The assistant's bubble: text grows delta by delta; the label stays first. */
  function replyBubble() {
    var bubble = addMessage("assistant", "");
    bubble.classList.add("typing");
    var body = document.createTextNode("");
    bubble.appendChild(body);
    bubble.setAttribute("data-testid", "meterline-reply");
    return {
      append: function (text) {
        bubble.classList.remove("typing");
        body.data += text;
        scrollDown();
      },
      set: function (text) {
        bubble.classList.remove("typing");
        body.data = text;
        scrollDown();
      },
      text: function () {
        return body.data;
      },
      removeIfEmpty: function () {
        if (!body.data) bubble.remove();
      },
      askFeedback: function (messageId) {
        bubble.after(feedbackRow(messageId));
        scrollDown();
      },
    };
  }

  /** "Helpful?" with thumbs up and down under a reply; one vote, then a thank-you. */
  function feedbackRow(messageId) {
    var row = el("div", { class: "feedback", role: "group", "aria-label": "Was this reply helpful?", "data-testid": "meterline-feedback" });
    var up = el("button", { type: "button", "aria-label": "Helpful" });
    var down = el("button", { type: "button", "aria-label": "Not helpful" });
    up.innerHTML = ICON_UP;
    down.innerHTML = ICON_DOWN;
    function vote(rating) {
      up.disabled = true;
      down.disabled = true;
      fetch(apiBase + "/api/chat/feedback", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer " + key },
        body: JSON.stringify({ messageId: messageId, rating: rating }),
        credentials: "omit",
      })
        .then(function (response) {
          // 409: this reply was rated already (another tab): the vote stands either way.
          row.textContent = response.ok || response.status === 409 ? TEXT.thanks : TEXT.feedbackFailed;
        })
        .catch(function () {
          row.textContent = TEXT.feedbackFailed;
        });
    }
    up.addEventListener("click", function () {
      vote("up");
    });
    down.addEventListener("click", function () {
      vote("down");
    });
    row.appendChild(el("span", {}, "Helpful?"));
    row.appendChild(up);
    row.appendChild(down);
    return row;
  }

  function showNotice(text, link) {
    var notice = el("div", { class: "notice", role: "alert" });
    notice.appendChild(el("span", {}, text));
    if (link) {
      notice.appendChild(el("br"));
      var a = el("a", { href: link.href, target: "_blank", rel: "noopener noreferrer" }, link.label);
      notice.appendChild(a);
    }
    log.appendChild(notice);
    scrollDown();
  }

  // --- Talking to the API -----------------------------------------------------------

  function safeHttpUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  /** The readable text (and maybe a link) for a failed response. */
  function describeFailure(status, body) {
    if (status === 429) {
      var href = body && typeof body.upgradeUrl === "string" ? safeHttpUrl(body.upgradeUrl) : null;
      return {
        text: (body && typeof body.message === "string" && body.message) || TEXT.limit,
        link: href ? { href: href, label: "See upgrade options" } : null,
      };
    }
    if (status === 401 || status === 403) return { text: TEXT.notAllowed };
    if (status === 502 || status === 503 || status === 504) return { text: TEXT.unavailable };
    if (body && typeof body.error === "string" && status < 500) return { text: body.error };
    return { text: "Something went wrong (HTTP " + status + "). Please try again." };
  }

  /** Calls onEvent(name, data) for each complete SSE event of the response body. */
  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function dispatch(block) {
      var name = "message";
      var data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (!data.length) return;
      var parsed;
      try {
        parsed = JSON.parse(data.join("\n"));
      } catch {
        return; // not ours; the contract only sends JSON data
      }
      onEvent(name, parsed);
    }
    function pump() {
      return reader.read().then(function (step) {
        buffer += decoder.decode(step.value || new Uint8Array(), { stream: !step.done });
        buffer = buffer.replace(/\r\n/g, "\n");
        var end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        if (step.done) {
          if (buffer.trim()) dispatch(buffer);
          return;
        }
        return pump();
      });
    }
    return pump();
  }

  function readJson(response) {
    return response.json().catch(function () {
      return null;
    });
  }

  function sendMessage(text) {
    setBusy(true);
    addMessage("user", text);
    var reply = replyBubble();
    var finished = false;
    var failed = null;
    var sentConversationId = conversationId;

    var body = { message: text, stream: true };
    if (conversationId) body.conversationId = conversationId;

    fetch(apiBase + "/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + key, accept: "text/event-stream" },
      body: JSON.stringify(body),
      credentials: "omit",
    })
      .then(function (response) {
        if (!response.ok) {
          return readJson(response).then(function (json) {
            // Our conversation is gone (or belonged to an older key): start afresh next time.
            if (response.status === 404 && sentConversationId) {
              conversationId = null;
              failed = { text: TEXT.expired };
            } else {
              failed = describeFailure(response.status, json);
            }
          });
        }
        var type = response.headers.get("content-type") || "";
        if (type.indexOf("text/event-stream") < 0) {
          // A non-streamed JSON reply (a proxy may have buffered it): same contract.
          return readJson(response).then(function (json) {
            if (json && typeof json.reply === "string") {
              conversationId = json.conversationId || conversationId;
              reply.set(json.reply);
              finished = true;
              if (typeof json.messageId === "string") reply.askFeedback(json.messageId);
            }
          });
        }
        return readEvents(response, function (name, data) {
          if (name === "start" && data.conversationId) conversationId = data.conversationId;
          else if (name === "delta" && typeof data.text === "string") reply.append(data.text);
          else if (name === "done") {
            if (data.conversationId) conversationId = data.conversationId;
            // The stored reply is authoritative; it equals the deltas when nothing was lost.
            if (typeof data.reply === "string" && data.reply !== reply.text()) reply.set(data.reply);
            finished = true;
            if (typeof data.messageId === "string") reply.askFeedback(data.messageId);
          } else if (name === "error") {
            // A reply cut off mid-way still belongs to the conversation (it was stored).
            if (data.conversationId) conversationId = data.conversationId;
            failed = { text: (typeof data.error === "string" && data.error) || TEXT.interrupted };
          }
        });
      })
      .catch(function () {
        failed = failed || { text: TEXT.offline };
      })
      .then(function () {
        if (!finished && !failed) failed = { text: TEXT.interrupted };
        if (failed) {
          reply.removeIfEmpty();
          showNotice(failed.text, failed.link);
        }
        setBusy(false);
      });
  }

  // --- Events ------------------------------------------------------------------------

  launcher.addEventListener("click", function () {
    setOpen(panel.hidden);
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false);
  });
  // A form submit: Enter in the input and the Send button both land here.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    sendMessage(text);
  });

  function mount() {
    document.body.appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.MeterlineWidget = {
    open: function () {
      setOpen(true);
    },
    close: function () {
      setOpen(false);
    },
  };
})();

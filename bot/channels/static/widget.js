/* IMT follow-up assistant: embeddable chat widget. No build step, no dependencies.
 *
 *   <script src="http://localhost:5005/webhooks/web/widget.js" defer></script>
 *
 * Optional attributes: data-server="https://assistant.example.org" (defaults to the
 * script's origin), data-target="#element-id" (render inline instead of a floating panel).
 * Bot messages arrive as HTML that the server rendered with escaping; the user's own text
 * is only ever inserted with textContent.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var server = (script.getAttribute("data-server") || new URL(script.src).origin).replace(/\/$/, "");
  var base = server + "/webhooks/web";
  var STORAGE_KEY = "imt-assistant-sender";
  var ISSUED = /^web-[0-9a-f]{24}-[0-9a-f]{32}$/;

  // The conversation id comes from the server (it only serves ids it signed); it is kept
  // in localStorage so the conversation survives a reload.
  var sender = null;
  function storedSender() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; /* storage blocked */ }
  }
  function newSender() {
    return post("/session", {}).then(function (data) {
      sender = data.sender;
      try { window.localStorage.setItem(STORAGE_KEY, sender); } catch (e) { /* session only */ }
      return sender;
    });
  }
  function ensureSender() {
    if (sender) return Promise.resolve(sender);
    var stored = storedSender();
    if (stored && ISSUED.test(stored)) { sender = stored; return Promise.resolve(sender); }
    return newSender();
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var css = el("link", { rel: "stylesheet", href: base + "/widget.css" });
  document.head.appendChild(css);

  var targetSelector = script.getAttribute("data-target");
  var host = targetSelector ? document.querySelector(targetSelector) : null;
  var root = el("section", { "class": "imt-widget" + (host ? " imt-inline" : " imt-floating"),
                             "aria-label": "IMT follow-up assistant" });
  var header = el("header", { "class": "imt-header" });
  header.appendChild(el("h2", { "class": "imt-title" }, "IMT follow-up assistant"));
  var tools = el("div", { "class": "imt-tools", role: "group", "aria-label": "Options" });
  var asClinician = el("button", { type: "button", "class": "imt-tool", "data-ask": "I'm a clinician, please use clinical language" }, "Clinician");
  var asPatient = el("button", { type: "button", "class": "imt-tool", "data-ask": "I'm a patient, please use plain language" }, "Patient");
  var download = el("button", { type: "button", "class": "imt-tool imt-download" }, "Download transcript");
  tools.appendChild(asClinician); tools.appendChild(asPatient); tools.appendChild(download);
  header.appendChild(tools);
  var log = el("div", { "class": "imt-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                        "aria-label": "Conversation", tabindex: "0" });
  var form = el("form", { "class": "imt-form" });
  var label = el("label", { "for": "imt-input", "class": "imt-visually-hidden" }, "Your question about IMT");
  // The message-size limit is the server's (GET /config), so the two cannot disagree.
  var input = el("input", { id: "imt-input", type: "text", autocomplete: "off",
                            placeholder: "Ask a follow-up question about IMT…" });
  var send = el("button", { type: "submit", "class": "imt-send" }, "Send");
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  var status = el("p", { "class": "imt-visually-hidden", role: "status" });
  root.appendChild(header); root.appendChild(log); root.appendChild(form); root.appendChild(status);

  if (host) {
    host.appendChild(root);
  } else {
    var launcher = el("button", { type: "button", "class": "imt-launcher", "aria-expanded": "false",
                                  "aria-controls": "imt-panel" }, "Ask about IMT");
    root.id = "imt-panel";
    root.hidden = true;
    launcher.addEventListener("click", function () {
      root.hidden = !root.hidden;
      launcher.setAttribute("aria-expanded", String(!root.hidden));
      if (!root.hidden) input.focus();
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { root.hidden = true; launcher.setAttribute("aria-expanded", "false"); launcher.focus(); }
    });
    document.body.appendChild(launcher);
    document.body.appendChild(root);
  }

  function addUser(text) {
    var bubble = el("div", { "class": "imt-msg imt-from-user" });
    bubble.appendChild(el("p", { "class": "imt-user-text" }, text));
    log.appendChild(bubble);
  }
  function addBot(html) {
    var bubble = el("div", { "class": "imt-msg imt-from-bot" });
    bubble.innerHTML = html; // server-rendered with escaping (bot/rendering/html.py)
    log.appendChild(bubble);
  }
  function addNotice(text) {
    var bubble = el("div", { "class": "imt-msg imt-from-bot imt-notice" });
    bubble.appendChild(el("p", {}, text));
    log.appendChild(bubble);
  }
  function scroll() { log.scrollTop = log.scrollHeight; }

  function post(path, body) {
    return fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json" },
                                body: JSON.stringify(body) }).then(function (r) {
      if (r.status === 429) {
        return r.json().then(function (data) { var e = new Error(data.message); e.tooFast = true; throw e; });
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  fetch(base + "/config").then(function (r) { return r.json(); }).then(function (config) {
    if (config.max_message_chars) input.setAttribute("maxlength", String(config.max_message_chars));
  }).catch(function () { /* the server still caps long messages */ });

  var busy = false;
  function ask(text) {
    if (busy) return;
    busy = true; send.disabled = true;
    addUser(text); scroll();
    status.textContent = "Waiting for the answer…";
    ensureSender().then(function (id) {
      return post("/message", { sender: id, message: text });
    }).then(function (data) {
      data.messages.forEach(function (m) { addBot(m.html); });
      status.textContent = "";
    }).catch(function (error) {
      addNotice(error.tooFast ? error.message : "Sorry, the assistant could not be reached. Please try again.");
    }).then(function () { busy = false; send.disabled = false; scroll(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    ask(text);
    input.focus();
  });

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !root.contains(button)) return;
    if (button.hasAttribute("data-ask")) { ask(button.getAttribute("data-ask")); return; }
    if (button.classList.contains("imt-vote")) {
      var group = button.closest(".imt-feedback");
      // The answer's number in the conversation: the server looks up what it showed.
      var answer = Array.prototype.indexOf.call(log.querySelectorAll(".imt-feedback"), group);
      post("/feedback", { sender: sender, vote: button.getAttribute("data-vote"), answer: answer }).then(function () {
        group.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        button.setAttribute("aria-pressed", "true");
        group.appendChild(el("span", { "class": "imt-thanks" }, "Thanks for the feedback."));
      }).catch(function () { addNotice("Feedback could not be saved."); });
      return;
    }
    if (button === download) {
      fetch(base + "/transcript?sender=" + encodeURIComponent(sender)).then(function (r) { return r.blob(); })
        .then(function (blob) {
          var link = el("a", { href: URL.createObjectURL(blob), download: "imt-transcript.md" });
          document.body.appendChild(link); link.click(); link.remove();
        });
    }
  });

  // Restore the conversation after a reload: the server keeps it in the tracker store. An id
  // the server no longer accepts (its key changed) starts a new conversation.
  function history(id) {
    return fetch(base + "/history?sender=" + encodeURIComponent(id)).then(function (r) {
      if (r.status === 400) return newSender().then(function () { return { turns: [] }; });
      return r.json();
    });
  }
  ensureSender().then(history)
    .then(function (data) {
      (data.turns || []).forEach(function (t) {
        if (t.from === "user") {
          var bubble = el("div", { "class": "imt-msg imt-from-user" });
          bubble.innerHTML = t.html; // escaped on the server
          log.appendChild(bubble);
        } else { addBot(t.html); }
      });
      if (!(data.turns || []).length) {
        addNotice("Ask me a follow-up question about inflammatory myofibroblastic tumor (IMT): " +
                  "what it is, diagnosis, treatment, dosing, side effects or outlook.");
      }
      root.setAttribute("data-ready", "true");
      scroll();
    }).catch(function () { root.setAttribute("data-ready", "true"); });
})();

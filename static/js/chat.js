/* Circle chat: upgrades the plain chat page to live messages over a WebSocket.
 *
 * People's text only ever reaches the page through textContent (never
 * innerHTML). Messages are keyed by their saved id, so a message that arrives
 * twice (broadcast + history after a reconnect) is drawn once. The socket
 * reconnects with exponential backoff and asks for what it missed since the
 * last id it has.
 */
(function () {
  "use strict";

  var HEARTBEAT_MS = 25000;
  var TYPING_SEND_MS = 3000;   // client-side throttle (the server throttles too)
  var TYPING_SHOW_MS = 5000;
  var MAX_BACKOFF_MS = 30000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function Chat(root) {
    this.root = root;
    this.list = root.querySelector("[data-chat-list]");
    this.form = root.querySelector("[data-chat-form]");
    this.textarea = this.form ? this.form.querySelector("textarea") : null;
    this.status = root.querySelector("[data-chat-status]");
    this.errors = root.querySelector("[data-chat-errors]");
    this.typingEl = root.querySelector("[data-chat-typing]");
    this.onlineEl = root.querySelector("[data-chat-online]");
    this.crisisEl = root.querySelector("[data-chat-crisis]");
    this.earlierWrap = root.querySelector("[data-chat-earlier-wrap]");
    this.userId = parseInt(root.dataset.userId, 10);
    this.historyUrl = root.dataset.historyUrl;
    this.editUrl = root.dataset.editUrl;
    // Report and Block links come from the server (the same ones the page draws).
    this.reportMessageUrl = root.dataset.reportMessageUrl;
    this.blockUrl = root.dataset.blockUrl;
    this.csrf = this.form ? this.form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    this.lastId = parseInt(root.dataset.latestId || "0", 10) || 0;
    this.earliestId = parseInt(root.dataset.earliestId || "0", 10) || 0;
    this.attempt = 0;
    this.lastTypingSent = 0;
    this.typers = {};
    this.pending = [];
    this.socket = null;
    this.seen = {};
    var self = this;
    this.list.querySelectorAll(".chat-message[data-id]").forEach(function (li) {
      self.seen[li.dataset.id] = li;
    });
    this.enhanceEarlier();
    this.enhanceForm();
    this.connect();
    this.scrollToEnd();
  }

  Chat.prototype.setStatus = function (text) { this.status.textContent = text; };

  Chat.prototype.showError = function (text, url, linkText) {
    var errors = this.errors;
    errors.textContent = text;
    clearTimeout(this.errorTimer);
    if (url) {
      // A page to read first (the moderators' warning, the agreements): it stays.
      errors.appendChild(document.createTextNode(" "));
      var link = el("a", null, linkText || "Open it");
      link.href = url;
      errors.appendChild(link);
      return;
    }
    this.errorTimer = setTimeout(function () { errors.textContent = ""; }, 8000);
  };

  Chat.prototype.connect = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + this.root.dataset.wsPath);
    this.socket = socket;
    this.setStatus("Connecting…");
    socket.addEventListener("open", function () {
      self.attempt = 0;
      self.setStatus("Live: new messages appear here.");
      // What was missed while away (or since the page was drawn).
      self.send({ action: "history", after: self.lastId });
      self.heartbeat = setInterval(function () { self.send({ action: "ping" }); }, HEARTBEAT_MS);
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      self.handle(frame);
    });
    socket.addEventListener("close", function (event) {
      clearInterval(self.heartbeat);
      if (event.code === 4401 || event.code === 4403 || event.code === 4409 ||
          event.code === 4410 || event.code === 4412) {
        self.setStatus(event.code === 4410 ? "Your account is suspended." :
          event.code === 4412 ? "Please confirm you are 18 or over and accept the community guidelines first." :
          "You are no longer in this circle's chat.");
        if (self.form) { self.form.hidden = true; }
        return;  // access ended: do not reconnect
      }
      self.attempt += 1;
      var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, self.attempt - 1));
      delay = delay / 2 + Math.random() * delay / 2;  // jitter: not everyone at once
      self.setStatus("Connection lost. Trying again in " + Math.round(delay / 1000) + " s…");
      setTimeout(function () { self.connect(); }, delay);
    });
  };

  Chat.prototype.send = function (frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  };

  Chat.prototype.handle = function (frame) {
    var self = this;
    switch (frame.type) {
      case "message":
      case "message_updated":
        this.draw(frame.message, false);
        if (frame.type === "message" && frame.message.author_id !== this.userId) {
          delete this.typers[frame.message.author_id];
          this.renderTyping();
          if (document.visibilityState === "visible") {
            this.send({ action: "read", id: frame.message.id });
          }
        }
        break;
      case "history":
        if (frame.before) {
          this.list.setAttribute("aria-busy", "true");
          frame.messages.slice().reverse().forEach(function (m) { self.draw(m, true); });
          this.list.removeAttribute("aria-busy");
          if (this.earlierWrap) {
            this.earlierWrap.hidden = !frame.has_more;
            var link = this.earlierWrap.querySelector("a");
            // Without the script the link pages by cursor too.
            if (link) { link.href = link.pathname + "?before=" + this.earliestId; }
          }
        } else {
          frame.messages.forEach(function (m) { self.draw(m, false); });
          if (frame.has_more) {
            this.send({ action: "history", after: this.lastId });
          } else if (frame.messages.length) {
            this.send({ action: "read", id: this.lastId });
          }
        }
        break;
      case "presence":
        this.renderOnline(frame.online);
        break;
      case "typing":
        this.typers[frame.user_id] = { name: frame.name, until: Date.now() + TYPING_SHOW_MS };
        this.renderTyping();
        setTimeout(function () { self.renderTyping(); }, TYPING_SHOW_MS + 50);
        break;
      case "crisis":
        this.showCrisis(frame);
        break;
      case "error":
        this.showError(frame.message, frame.url,
          frame.code === "warning_pending" ? "Read the message from the moderators" : "Continue");
        break;
      case "reported":
        this.showError("Thank you. A moderator will look at your report.");
        break;
      default:
        break;
    }
  };

  Chat.prototype.scrollToEnd = function () { this.list.scrollTop = this.list.scrollHeight; };

  Chat.prototype.draw = function (m, prepend) {
    var existing = this.seen[m.id];
    var li = this.renderMessage(m);
    if (existing) {
      existing.replaceWith(li);
    } else if (prepend) {
      this.list.insertBefore(li, this.list.firstChild);
    } else {
      var empty = this.list.querySelector("[data-chat-empty]");
      if (empty) { empty.remove(); }
      // Keep id order even if frames arrive out of order.
      var next = null;
      var items = this.list.querySelectorAll(".chat-message[data-id]");
      for (var i = items.length - 1; i >= 0; i--) {
        if (parseInt(items[i].dataset.id, 10) < m.id) { break; }
        next = items[i];
      }
      this.list.insertBefore(li, next);
      if (!next) { this.scrollToEnd(); }
    }
    this.seen[m.id] = li;
    if (m.id > this.lastId) { this.lastId = m.id; }
    if (!this.earliestId || m.id < this.earliestId) { this.earliestId = m.id; }
  };

  Chat.prototype.renderMessage = function (m) {
    var self = this;
    var mine = m.author_id === this.userId;
    var li = el("li", "chat-message" + (mine ? " mine" : ""));
    li.id = "message-" + m.id;
    li.dataset.id = m.id;
    var meta = el("p", "chat-meta");
    meta.appendChild(el("strong", "chat-author", m.author_name));
    meta.appendChild(document.createTextNode(" "));
    var time = el("time", null, new Date(m.created_at).toLocaleString([], {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }));
    time.setAttribute("datetime", m.created_at);
    meta.appendChild(time);
    if (m.edited && m.state === "visible") {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "chat-edited", "(edited)"));
    }
    li.appendChild(meta);
    if (m.state === "visible") {
      li.appendChild(el("p", "chat-body", m.body));
      var actions = el("div", "chat-actions");
      if (mine) {
        if (new Date(m.editable_until) > new Date()) {
          var edit = el("button", "link-button", "Edit");
          edit.type = "button";
          edit.setAttribute("aria-label", "Edit your message");
          edit.addEventListener("click", function () { self.startEdit(li, m); });
          actions.appendChild(edit);
        }
        var del = el("button", "link-button", "Delete");
        del.type = "button";
        del.setAttribute("aria-label", "Delete your message");
        del.addEventListener("click", function () {
          if (window.confirm("Delete this message?")) { self.send({ action: "delete", id: m.id }); }
        });
        actions.appendChild(del);
      } else if (m.author_id !== null && m.author_id !== undefined) {
        // Like moderation/_person_actions.html: report the message, block its author.
        actions.appendChild(this.personActions(m));
      }
      li.appendChild(actions);
    } else {
      var gone = el("p", "chat-body chat-gone");
      gone.appendChild(el("em", null,
        m.state === "deleted" ? "message deleted" : "message hidden by a moderator"));
      li.appendChild(gone);
    }
    return li;
  };

  Chat.prototype.personActions = function (m) {
    var wrap = el("span", "person-actions");
    var report = el("a", null, "Report");
    report.href = this.reportMessageUrl + encodeURIComponent(m.id);
    report.appendChild(el("span", "visually-hidden", " this message by " + m.author_name));
    var block = el("a", null, "Block");
    block.href = this.blockUrl + encodeURIComponent(m.author_id);
    block.appendChild(el("span", "visually-hidden", " " + m.author_name));
    wrap.appendChild(report);
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(block);
    return wrap;
  };

  Chat.prototype.startEdit = function (li, m) {
    var self = this;
    var form = el("form", "chat-edit");
    var id = "chat-edit-" + m.id;
    var label = el("label", null, "Edit your message");
    label.setAttribute("for", id);
    var input = el("textarea");
    input.id = id;
    input.value = m.body;
    input.maxLength = 2000;
    var save = el("button", null, "Save");
    save.type = "submit";
    var cancel = el("button", "secondary", "Cancel");
    cancel.type = "button";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(save);
    form.appendChild(cancel);
    var body = li.querySelector(".chat-body");
    body.replaceWith(form);
    input.focus();
    cancel.addEventListener("click", function () { form.replaceWith(body); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!self.send({ action: "edit", id: m.id, body: input.value })) {
        window.location.href = self.editUrl.replace("/m/0/", "/m/" + m.id + "/");
      }
    });
  };

  Chat.prototype.renderOnline = function (online) {
    var self = this;
    this.onlineEl.textContent = "";
    var others = online.filter(function (p) { return p.id !== self.userId; });
    if (!others.length) {
      this.onlineEl.appendChild(el("li", "chat-nobody", "Nobody else right now"));
    }
    others.forEach(function (p) { self.onlineEl.appendChild(el("li", null, p.name)); });
  };

  Chat.prototype.renderTyping = function () {
    var now = Date.now();
    var names = [];
    for (var id in this.typers) {
      if (this.typers[id].until > now) { names.push(this.typers[id].name); }
      else { delete this.typers[id]; }
    }
    this.typingEl.textContent = names.length
      ? names.join(", ") + (names.length > 1 ? " are typing…" : " is typing…") : "";
  };

  Chat.prototype.showCrisis = function (frame) {
    this.crisisEl.textContent = "";
    var card = el("div", "card chat-crisis");
    card.setAttribute("role", "alert");
    card.appendChild(el("h3", null, "You're not alone"));
    var p = el("p", null, frame.message + " ");
    var link = el("a", null, "See crisis lines you can call or text");
    link.href = frame.url;
    p.appendChild(link);
    card.appendChild(p);
    this.crisisEl.appendChild(card);
  };

  Chat.prototype.enhanceForm = function () {
    var self = this;
    if (!this.form || !this.textarea) { return; }
    this.form.addEventListener("submit", function (event) {
      var body = self.textarea.value;
      if (!body.trim()) { event.preventDefault(); return; }
      // Without an open socket the form posts the ordinary way.
      if (self.send({ action: "send", body: body })) {
        event.preventDefault();
        self.textarea.value = "";
      }
    });
    this.textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.form.requestSubmit();
      }
    });
    this.textarea.addEventListener("input", function () {
      var now = Date.now();
      if (now - self.lastTypingSent > TYPING_SEND_MS) {
        self.lastTypingSent = now;
        self.send({ action: "typing" });
      }
    });
  };

  Chat.prototype.enhanceEarlier = function () {
    var self = this;
    var link = this.root.querySelector("[data-chat-earlier]");
    if (!link) { return; }
    link.addEventListener("click", function (event) {
      if (!self.earliestId) { return; }
      event.preventDefault();
      fetch(self.historyUrl + "?before=" + self.earliestId, {
        credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { data.type = "history"; self.handle(data); })
        .catch(function () { window.location.href = link.href; });
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chat]").forEach(function (root) { new Chat(root); });
  });
})();

/* Circle chat: upgrades the plain chat page to live messages over a WebSocket.
 *
 * Everything this script needs comes from the server in the panel's JSON data
 * block (socket path, URLs, close codes, the reader's time zone and format).
 * A message that arrives live is drawn from the page's <template>, rendered by
 * the server from the same chat/_message.html as every other message: its
 * placeholders are replaced with the message's values (text nodes and
 * attribute values, never HTML) and the parts marked data-when="<flag>" whose
 * flag is false are removed (see connect/chat/markup.py for the flags).
 *
 * Messages are keyed by their saved id, so a message that arrives twice is
 * drawn once. The socket reconnects with exponential backoff and connects
 * with ?last_id=<the last id it has>: the server first replays exactly what
 * was missed ("replayed" message frames, then "resumed"); past its limit the
 * rest is paged with history.
 */
(function () {
  "use strict";

  var HEARTBEAT_MS = 25000;
  var TYPING_SEND_MS = 3000;   // client-side throttle (the server throttles too)
  var TYPING_SHOW_MS = 5000;
  var MAX_BACKOFF_MS = 30000;

  // Words people read come translated from the server (config.text); "{name}"
  // marks a value filled in here.
  function fillText(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return values && key in values ? String(values[key]) : whole;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // A time as the server's Django date format writes it (connect/chat/markup.py),
  // in the reader's own zone: the format string and month names come from the server.
  function formatTime(iso, time) {
    var parts = {};
    var options = { timeZone: time.zone, year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", hourCycle: "h23" };
    var formatter;
    try { formatter = new Intl.DateTimeFormat("en-US", options); }
    catch (e) { options.timeZone = "UTC"; formatter = new Intl.DateTimeFormat("en-US", options); }
    formatter.formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    var day = parseInt(parts.day, 10), month = parseInt(parts.month, 10);
    var hour = parseInt(parts.hour, 10) % 24, minute = parseInt(parts.minute, 10);
    var values = { j: day, d: pad(day), n: month, m: pad(month), M: time.months[month - 1],
      Y: parts.year, G: hour, H: pad(hour), i: pad(minute) };
    var out = "";
    for (var i = 0; i < time.format.length; i++) {
      var c = time.format.charAt(i);
      if (c === "\\") { i += 1; out += time.format.charAt(i); }
      else if (Object.prototype.hasOwnProperty.call(values, c)) { out += values[c]; }
      else { out += c; }
    }
    return out;
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function Chat(root) {
    this.root = root;
    var config = JSON.parse(document.getElementById(root.dataset.chat).textContent);
    this.config = config;
    this.closeCodes = config.close_codes;
    this.text = config.text;
    this.messageTemplate = root.querySelector("[data-chat-message-template]");
    this.crisisTemplate = root.querySelector("[data-chat-crisis-template]");
    // One pattern for every placeholder, so a value is never read as another placeholder.
    var tokens = config.tokens;
    this.tokenNames = {};
    var alternatives = [];
    for (var name in tokens) {
      this.tokenNames[tokens[name]] = name;
      alternatives.push(escapeRegExp(tokens[name]));
    }
    this.tokenPattern = new RegExp(alternatives.join("|"), "g");
    this.list = root.querySelector("[data-chat-list]");
    this.form = root.querySelector("[data-chat-form]");
    this.textarea = this.form ? this.form.querySelector("textarea") : null;
    this.status = root.querySelector("[data-chat-status]");
    this.errors = root.querySelector("[data-chat-errors]");
    this.typingEl = root.querySelector("[data-chat-typing]");
    this.onlineEl = root.querySelector("[data-chat-online]");
    this.crisisEl = root.querySelector("[data-chat-crisis]");
    this.earlierWrap = root.querySelector("[data-chat-earlier-wrap]");
    this.userId = config.user_id;
    this.historyUrl = config.history_url;
    this.lastId = config.latest_id || 0;
    this.earliestId = config.earliest_id || 0;
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
    this.enhanceActions();
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
      var link = el("a", null, linkText || this.text.open_it);
      link.href = url;
      errors.appendChild(link);
      return;
    }
    this.errorTimer = setTimeout(function () { errors.textContent = ""; }, 8000);
  };

  Chat.prototype.connect = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(
      scheme + window.location.host + this.config.socket_path + "?last_id=" + this.lastId
    );
    this.socket = socket;
    this.setStatus(this.text.connecting);
    socket.addEventListener("open", function () {
      self.attempt = 0;
      self.setStatus(self.text.live);
      self.heartbeat = setInterval(function () { self.send({ action: "ping" }); }, HEARTBEAT_MS);
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      self.handle(frame);
    });
    socket.addEventListener("close", function (event) {
      clearInterval(self.heartbeat);
      var ended = self.closeCodes[String(event.code)];
      if (ended !== undefined) {
        self.setStatus(ended);
        if (self.form) { self.form.hidden = true; }
        return;  // access ended: do not reconnect
      }
      self.attempt += 1;
      var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, self.attempt - 1));
      delay = delay / 2 + Math.random() * delay / 2;  // jitter: not everyone at once
      self.setStatus(fillText(self.text.reconnecting, { seconds: Math.round(delay / 1000) }));
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
        if (frame.replayed) { break; }  // one read marker after "resumed"
        if (frame.type === "message" && frame.message.author_id !== this.userId) {
          delete this.typers[frame.message.author_id];
          this.renderTyping();
          if (document.visibilityState === "visible") {
            this.send({ action: "read", id: frame.message.id });
          }
        }
        break;
      case "resumed":
        // What was missed while away (or since the page was drawn) is here.
        if (!frame.complete) {
          this.send({ action: "history", after: this.lastId });
        } else if (frame.count && document.visibilityState === "visible") {
          this.send({ action: "read", id: this.lastId });
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
          frame.code === "warning_pending" ? this.text.read_warning : this.text.continue);
        break;
      case "access":
        this.applyAccess(frame);
        break;
      case "reported":
        this.showError(this.text.reported);
        break;
      default:
        break;
    }
  };

  // A moderator muted or unmuted the reader, or a warning was given or read:
  // the composer follows at once (the server refuses such writes either way).
  // A page drawn while muted has its composer hidden, shown here when lifted.
  Chat.prototype.applyAccess = function (frame) {
    var notice = this.root.querySelector("[data-chat-muted]");
    if (frame.muted) {
      if (this.form) { this.form.hidden = true; }
      if (!notice) {
        notice = el("p", "chat-muted");
        notice.setAttribute("data-chat-muted", "");
        this.errors.after(notice);
      }
      notice.textContent = frame.message;
      return;
    }
    if (notice) { notice.remove(); }
    if (this.form) { this.form.hidden = false; }
    if (frame.warning_pending) {
      this.showError(frame.message, frame.url, this.text.read_warning);
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

  // Which optional parts of chat/_message.html this reader sees (as markup.message_item).
  Chat.prototype.flags = function (m) {
    var hasAuthor = m.author_id !== null && m.author_id !== undefined;
    var mine = hasAuthor && m.author_id === this.userId;
    var visible = m.state === "visible";
    return {
      mine: mine, theirs: hasAuthor && !mine, visible: visible,
      deleted: m.state === "deleted", hidden: m.state === "hidden",
      edited: visible && m.edited,
      editable: mine && visible && new Date(m.editable_until) >= new Date()
    };
  };

  Chat.prototype.fill = function (text, values) {
    var names = this.tokenNames;
    return text.replace(this.tokenPattern, function (token) { return values[names[token]]; });
  };

  Chat.prototype.renderMessage = function (m) {
    var self = this;
    var li = this.messageTemplate.content.firstElementChild.cloneNode(true);
    var flags = this.flags(m);
    li.querySelectorAll("[data-when]").forEach(function (part) {
      if (!flags[part.dataset.when]) { part.remove(); }
    });
    li.classList.toggle("mine", flags.mine);
    var values = {
      id: String(m.id), author_id: String(m.author_id), author_name: m.author_name,
      body: m.body, created_at: m.created_at,
      time: formatTime(m.created_at, this.config.time)
    };
    // Values go in as text and attribute values only, never parsed as HTML.
    [li].concat(Array.prototype.slice.call(li.querySelectorAll("*"))).forEach(function (node) {
      Array.prototype.forEach.call(node.attributes, function (attr) {
        var filled = self.fill(attr.value, values);
        if (filled !== attr.value) { node.setAttribute(attr.name, filled); }
      });
    });
    var walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
    for (var text = walker.nextNode(); text; text = walker.nextNode()) {
      text.nodeValue = self.fill(text.nodeValue, values);
    }
    return li;
  };

  // Edit and Delete on any message, drawn by the server or live: over the
  // socket when it is open, else the links and forms work as without a script.
  Chat.prototype.enhanceActions = function () {
    var self = this;
    this.list.addEventListener("click", function (event) {
      var link = event.target.closest("[data-chat-edit]");
      if (!link || !self.socket || self.socket.readyState !== WebSocket.OPEN) { return; }
      event.preventDefault();
      self.startEdit(link.closest(".chat-message"), link.href);
    });
    this.list.addEventListener("submit", function (event) {
      var form = event.target.closest("[data-chat-delete]");
      if (!form) { return; }
      if (!window.confirm(self.text.confirm_delete)) { event.preventDefault(); return; }
      var li = form.closest(".chat-message");
      if (self.send({ action: "delete", id: parseInt(li.dataset.id, 10) })) {
        event.preventDefault();
      }
    });
  };

  Chat.prototype.startEdit = function (li, editUrl) {
    var self = this;
    var id = parseInt(li.dataset.id, 10);
    var body = li.querySelector(".chat-body");
    if (!body || li.querySelector(".chat-edit")) { return; }
    var form = el("form", "chat-edit");
    var inputId = "chat-edit-" + id;
    var label = el("label", null, this.text.edit_label);
    label.setAttribute("for", inputId);
    var input = el("textarea");
    input.id = inputId;
    input.value = body.textContent;
    input.maxLength = 2000;
    var save = el("button", null, this.text.save);
    save.type = "submit";
    var cancel = el("button", "secondary", this.text.cancel);
    cancel.type = "button";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(save);
    form.appendChild(cancel);
    body.replaceWith(form);
    input.focus();
    cancel.addEventListener("click", function () { form.replaceWith(body); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!self.send({ action: "edit", id: id, body: input.value })) {
        window.location.href = editUrl;
      }
    });
  };

  Chat.prototype.renderOnline = function (online) {
    var self = this;
    this.onlineEl.textContent = "";
    var others = online.filter(function (p) { return p.id !== self.userId; });
    if (!others.length) {
      this.onlineEl.appendChild(el("li", "chat-nobody", this.text.nobody_online));
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
    var joined = names.join(", ");
    this.typingEl.textContent = names.length
      ? fillText(names.length > 1 ? this.text.many_typing : this.text.one_typing, { names: joined })
      : "";
  };

  // The same card the page shows after a post without the script (chat/_crisis.html).
  Chat.prototype.showCrisis = function () {
    this.crisisEl.textContent = "";
    this.crisisEl.appendChild(this.crisisTemplate.content.cloneNode(true));
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

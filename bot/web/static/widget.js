/*
 * The chat widget. Partner sites embed it with one tag:
 *   <script src="https://CHAT-HOST/widget.js" data-bot-url="https://BOT-HOST"
 *           data-exit-url="https://a-neutral-site.example" defer></script>
 * Optional: data-target="#id" (where the chat goes; default: after the script tag),
 * data-exit-only (just the "Exit this page" control, for pages without the chat).
 *
 * Every word comes from /widget-config.json (built from content/); none is typed here.
 * Safety rules kept throughout:
 * - bot and user text only ever become DOM text nodes (never HTML);
 * - the only thing stored is a random sender id, in sessionStorage, removed on exit;
 * - "Exit this page" (button, Escape twice, Shift three times) covers the page at once,
 *   clears the conversation and leaves with location.replace, so Back does not return.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__botWidgetLoaded) return;
  window.__botWidgetLoaded = true;

  var SENDER_KEY = "bw-sender";
  var PRESS_WINDOW_MS = 5000;       // GOV.UK: three Shift presses within about 5 seconds
  var REPLY_TIMEOUT_MS = 45000;
  var MAX_MESSAGE_CHARS = 2000;
  var scriptOrigin = new URL(script.src, location.href).origin;
  var uid = 0;

  // ---------------------------------------------------------------- helpers
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function hiddenText(text) {
    return el("span", "bw-visually-hidden", text);
  }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }  // blocked in some private modes
  }

  function forgetSender() {
    var store = storage();
    try { if (store) store.removeItem(SENDER_KEY); } catch (e) { /* nothing stored then */ }
  }

  function loadConfig() {
    var inline = document.getElementById("bw-config");
    if (inline) {
      try { return Promise.resolve(JSON.parse(inline.textContent)); } catch (e) { /* fetch it instead */ }
    }
    return fetch(scriptOrigin + "/widget-config.json", {
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).then(function (reply) {
      if (!reply.ok) throw new Error("widget config " + reply.status);
      return reply.json();
    });
  }

  // ------------------------------------------------------------- quick exit
  function QuickExit(config) {
    var words = config.words;
    var exitUrl = script.getAttribute("data-exit-url") || config.exit_url;
    var wrapper = el("div", "bw-exit");
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", words.exit_page);
    var button = el("button", "bw-exit-button");
    button.type = "button";
    button.appendChild(hiddenText(words.exit_emergency + " "));
    button.appendChild(document.createTextNode(words.exit_page));
    var status = el("div", "bw-visually-hidden");
    status.setAttribute("role", "status");
    wrapper.appendChild(button);
    wrapper.appendChild(status);
    document.body.insertBefore(wrapper, document.body.firstChild);  // first stop for Tab
    document.documentElement.classList.add("bw-has-exit");

    var onExit = [];
    var pressed = { key: null, count: 0, timer: null, clear: null, lastWithShift: false };
    var needed = { Shift: 3, Escape: 2 };
    var remainingWords = { Shift: { 2: words.exit_shift_2, 1: words.exit_shift_1 }, Escape: { 1: words.exit_escape_1 } };

    function say(text) {
      clearTimeout(pressed.clear);
      status.textContent = text;
      pressed.clear = setTimeout(function () { status.textContent = ""; }, PRESS_WINDOW_MS);
    }

    // As GOV.UK's component: a count that stops (too slow, or another key) says it expired.
    function resetPresses() {
      var counting = pressed.count > 0;
      clearTimeout(pressed.timer);
      pressed.key = null;
      pressed.count = 0;
      if (counting) say(words.exit_expired);
    }

    function leave(event) {
      if (event) event.preventDefault();
      clearTimeout(pressed.timer);
      // Cover the page at once, so nothing stays on screen while the next page loads.
      var cover = el("div", "bw-cover");
      document.body.appendChild(cover);
      document.documentElement.classList.add("bw-leaving");
      onExit.forEach(function (clear) { try { clear(); } catch (e) { /* leave anyway */ } });
      forgetSender();
      window.location.replace(exitUrl);
    }

    button.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      if (event.repeat) return;
      var need = needed[event.key];
      // Shift pressed right after a capital letter is typing, not a request to leave.
      var typing = event.key === "Shift" && pressed.lastWithShift;
      pressed.lastWithShift = event.shiftKey && event.key !== "Shift";
      if (!need || typing) { resetPresses(); return; }
      if (pressed.key !== event.key) resetPresses();
      pressed.key = event.key;
      pressed.count += 1;
      clearTimeout(pressed.timer);
      if (pressed.count >= need) { leave(event); return; }
      say(remainingWords[event.key][need - pressed.count]);
      pressed.timer = setTimeout(resetPresses, PRESS_WINDOW_MS);
    }, true);

    // Coming back through the browser's page cache: never show the old page.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && document.documentElement.classList.contains("bw-leaving")) {
        window.location.replace(exitUrl);
      }
    });

    return { onExit: function (clear) { onExit.push(clear); } };
  }

  // --------------------------------------------------- safe text rendering
  // Bot text is plain text: paragraphs split by blank lines, list lines start "- ",
  // full web addresses become links, known helpline numbers become tap-to-call links.
  function TextRenderer(config) {
    var words = config.words;
    var phones = (config.phones || []).filter(function (p) { return p && p.text && p.tel; });
    var urlPattern = /https?:\/\/[^\s<>"']+/g;

    function link(href, text, newTab) {
      var a = el("a", "bw-link", text);
      a.href = href;
      if (newTab) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.appendChild(hiddenText(" " + words.new_tab));
      }
      return a;
    }

    function isDigit(ch) { return ch >= "0" && ch <= "9"; }

    function addPhones(parent, text) {
      var at = 0;
      while (at < text.length) {
        var best = null;
        phones.forEach(function (phone) {
          var from = at;
          while (true) {
            var found = text.indexOf(phone.text, from);
            if (found < 0) return;
            var end = found + phone.text.length;
            var alone = (found === 0 || !isDigit(text[found - 1])) && (end >= text.length || !isDigit(text[end]));
            if (alone) {
              if (!best || found < best.start) best = { start: found, end: end, phone: phone };
              return;
            }
            from = found + 1;
          }
        });
        if (!best) break;
        parent.appendChild(document.createTextNode(text.slice(at, best.start)));
        parent.appendChild(link("tel:" + best.phone.tel, best.phone.text, false));
        at = best.end;
      }
      parent.appendChild(document.createTextNode(text.slice(at)));
    }

    function addInline(parent, text) {
      var at = 0;
      text.replace(urlPattern, function (match, offset) {
        var url = match.replace(/[.,;:!?)\]]+$/, "");
        addPhones(parent, text.slice(at, offset));
        parent.appendChild(link(url, url, true));
        at = offset + url.length;
        return match;
      });
      addPhones(parent, text.slice(at));
    }

    function blocks(text) {
      var fragment = document.createDocumentFragment();
      String(text || "").split(/\n\s*\n/).forEach(function (block) {
        var lines = block.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
        var list = null;
        var para = [];
        function flushPara() {
          if (!para.length) return;
          var p = el("p");
          addInline(p, para.join(" "));
          fragment.appendChild(p);
          para = [];
        }
        lines.forEach(function (line) {
          if (line.indexOf("- ") === 0) {
            flushPara();
            if (!list) { list = el("ul"); fragment.appendChild(list); }
            var li = el("li");
            addInline(li, line.slice(2));
            list.appendChild(li);
          } else {
            list = null;
            para.push(line);
          }
        });
        flushPara();
      });
      return fragment;
    }

    return { blocks: blocks, inline: addInline };
  }

  // ------------------------------------------------------------------- chat
  function Chat(config, mount, quickExit) {
    var words = config.words;
    var botUrl = (script.getAttribute("data-bot-url") || config.bot_url || "").replace(/\/+$/, "");
    var text = TextRenderer(config);
    var id = "bw-" + (++uid);
    var busy = false;
    var senderInMemory = null;

    var root = el("section", "bw");
    root.setAttribute("aria-labelledby", id + "-heading");
    var heading = el("h2", "bw-heading", words.chat_heading);
    heading.id = id + "-heading";
    var log = el("div", "bw-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-label", words.conversation);
    var typing = el("p", "bw-typing");
    typing.setAttribute("role", "status");
    var form = el("form", "bw-form");
    form.setAttribute("novalidate", "");
    var label = el("label", "bw-label", words.message_label);
    label.htmlFor = id + "-input";
    var row = el("div", "bw-row");
    var input = el("input", "bw-input");
    input.id = id + "-input";
    input.type = "text";
    input.autocomplete = "off";      // no form history left in the browser
    input.maxLength = MAX_MESSAGE_CHARS;
    input.setAttribute("enterkeyhint", "send");
    var send = el("button", "bw-send", words.send);
    send.type = "submit";
    var tools = el("div", "bw-tools");
    var leaveHelp = el("button", "bw-tool", words.quick_exit);
    leaveHelp.type = "button";
    var forget = el("button", "bw-tool", words.delete_chat);
    forget.type = "button";

    row.appendChild(input);
    row.appendChild(send);
    form.appendChild(label);
    form.appendChild(row);
    tools.appendChild(leaveHelp);
    tools.appendChild(forget);
    [heading, log, typing, form, tools].forEach(function (node) { root.appendChild(node); });
    mount(root);

    quickExit.onExit(function () {
      while (log.firstChild) log.removeChild(log.firstChild);
      input.value = "";
      senderInMemory = null;
    });

    function sender() {
      var store = storage();
      var known = senderInMemory;
      try { known = (store && store.getItem(SENDER_KEY)) || known; } catch (e) { /* memory only */ }
      if (!known) {
        var bytes = new Uint8Array(16);
        crypto.getRandomValues(bytes);
        known = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      }
      senderInMemory = known;
      try { if (store) store.setItem(SENDER_KEY, known); } catch (e) { /* memory only */ }
      return known;
    }

    // A new answer is shown from its start (reading down from there); her own line just comes into view.
    function scrollTo(node, block) {
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (node.scrollIntoView) node.scrollIntoView({ block: block || "nearest", behavior: still ? "auto" : "smooth" });
    }

    function addUser(said) {
      var message = el("div", "bw-msg bw-msg--user");
      message.appendChild(hiddenText(words.you_said + " "));
      message.appendChild(el("p", null, said));
      log.appendChild(message);
      scrollTo(message);
    }

    function addBot(reply) {
      var message = el("div", "bw-msg bw-msg--bot");
      if (typeof reply.content_id === "string") message.setAttribute("data-content-id", reply.content_id);
      if (typeof reply.part === "string") message.setAttribute("data-part", reply.part);
      message.appendChild(hiddenText(words.guide_said + " "));
      var body = el("div", "bw-text");
      body.appendChild(text.blocks(reply.text));
      message.appendChild(body);
      var choices = Array.isArray(reply.buttons) ? reply.buttons.filter(function (b) {
        return b && typeof b.title === "string" && typeof b.payload === "string";
      }) : [];
      if (choices.length) {
        var group = el("div", "bw-choices");
        choices.forEach(function (choice) {
          var button = el("button", "bw-choice", choice.title);
          button.type = "button";
          button.addEventListener("click", function () { say(choice.payload, choice.title); });
          group.appendChild(button);
        });
        message.appendChild(group);
      }
      log.appendChild(message);
      return message;
    }

    function showTyping(on) {
      typing.textContent = on ? words.typing : "";
      typing.classList.toggle("bw-typing--on", on);
      if (on) {
        var dots = el("span", "bw-dots");
        dots.setAttribute("aria-hidden", "true");
        for (var i = 0; i < 3; i++) dots.appendChild(el("span"));
        typing.appendChild(dots);
      }
    }

    function addError(retry) {
      var box = el("div", "bw-msg bw-error");
      box.setAttribute("data-content-id", config.crisis.content_id);
      box.appendChild(el("h3", "bw-error-heading", words.chat_error));
      box.appendChild(el("p", null, words.chat_error_help));
      var list = el("ul", "bw-help");
      config.crisis.lines.forEach(function (line) {
        var item = el("li");
        text.inline(item, line);
        list.appendChild(item);
      });
      box.appendChild(list);
      var again = el("button", "bw-choice bw-retry", words.retry);
      again.type = "button";
      again.addEventListener("click", function () {
        box.parentNode && box.parentNode.removeChild(box);
        retry();
      });
      box.appendChild(again);
      log.appendChild(box);
      scrollTo(box);
    }

    function post(message) {
      var who = sender();
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller && setTimeout(function () { controller.abort(); }, REPLY_TIMEOUT_MS);
      return fetch(botUrl + "/webhooks/rest/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Sender-Id": who },
        body: JSON.stringify({ sender: who, message: message }),
        credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
        signal: controller ? controller.signal : undefined
      }).then(function (reply) {
        clearTimeout(timer);
        if (!reply.ok) throw new Error("bot answered " + reply.status);
        return reply.json();
      }, function (error) {
        clearTimeout(timer);
        throw error;
      }).then(function (replies) {
        if (!Array.isArray(replies)) throw new Error("bot answered something that is not a list");
        return replies.filter(function (r) { return r && typeof r.text === "string"; });
      });
    }

    // Send one message; `shown` is what appears as hers (a button's title), if anything.
    function say(message, shown, afterReply) {
      if (busy) return false;
      busy = true;
      if (shown) addUser(shown);
      showTyping(true);
      post(message).then(function (replies) {
        showTyping(false);
        if (afterReply) afterReply(replies);
        var first = null;
        replies.forEach(function (reply) { var node = addBot(reply); first = first || node; });
        if (first) scrollTo(first, "start");
      }, function () {
        showTyping(false);
        addError(function () { busy = false; say(message, null, afterReply); });
      }).then(function () {
        busy = false;
        input.focus();
      });
      return true;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var said = input.value.trim();
      if (!said) { input.focus(); return; }
      if (say(said.slice(0, MAX_MESSAGE_CHARS), said)) input.value = "";
    });

    leaveHelp.addEventListener("click", function () { say(config.quick_exit_payload, words.quick_exit); });

    forget.addEventListener("click", function () {
      say(config.forget_payload, words.delete_chat, function (replies) {
        var deleted = replies.some(function (r) { return r.content_id === config.forget_content_id; });
        if (!deleted) return;  // only say it is gone when the bot says it is gone
        while (log.firstChild) log.removeChild(log.firstChild);
        forgetSender();
        senderInMemory = null;
      });
    });

    (config.greeting || []).forEach(addBot);
  }

  // ------------------------------------------------------------------ start
  function mounter() {
    var selector = script.getAttribute("data-target");
    var target = selector ? document.querySelector(selector) : null;
    return function (root) {
      if (target) target.appendChild(root);
      else script.parentNode.insertBefore(root, script.nextSibling);
    };
  }

  function start() {
    var mount = mounter();
    loadConfig().then(function (config) {
      var quickExit = QuickExit(config);
      if (!script.hasAttribute("data-exit-only")) Chat(config, mount, quickExit);
    }).catch(function (error) {
      if (window.console) console.error("chat widget could not start", error);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
